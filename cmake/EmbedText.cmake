# cmake -DINPUT=FILE -DOUTPUT=FILE.cpp -DSYMBOL=NAME -DNAMESPACE=NS -P EmbedText.cmake
# Writes a C++ source defining `const char NS::NAME[]` with FILE's text, so that the binary
# needs no file beside it at run time.
file(READ "${INPUT}" content)
string(LENGTH "${content}" length)
# ISO C++ guarantees string literals of 65,536 characters; -Wpedantic warns past that.
if(length GREATER 60000)
  message(FATAL_ERROR "${INPUT} is ${length} characters; EmbedText.cmake embeds at most 60000")
endif()
string(FIND "${content}" ")embedded_text\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )embedded_text\"")
endif()
file(WRITE "${OUTPUT}.new" "// Generated from ${INPUT} by cmake/EmbedText.cmake; do not edit.\nnamespace ${NAMESPACE} {\nextern const char ${SYMBOL}[];\nconst char ${SYMBOL}[] = R\"embedded_text(${content})embedded_text\";\n}  // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
