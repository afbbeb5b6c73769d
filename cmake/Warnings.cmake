# accelsim_warnings(target): the project's warning set, errors when ACCELSIM_WERROR is on (CI).
function(accelsim_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wcast-align -Wunused -Woverloaded-virtual
                                           -Wimplicit-fallthrough)
  if(ACCELSIM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
