# -DACCELSIM_SANITIZE=address,undefined builds everything with those sanitizers; UBSan findings
# abort so that a test cannot pass over one.
if(ACCELSIM_SANITIZE)
  add_compile_options(-fsanitize=${ACCELSIM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${ACCELSIM_SANITIZE})
endif()
