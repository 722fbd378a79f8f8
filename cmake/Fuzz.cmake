# Fuzz targets. With -DCOMMENTS_FUZZ=ON and clang (CXX=clang++-14) each is a
# libFuzzer binary with ASan/UBSan; otherwise the same entry point is linked
# with tests/fuzz/replay_main.cc and its committed corpus is replayed as an
# ordinary test. docs/performance.md has the commands and the runs so far.
option(COMMENTS_FUZZ "Build libFuzzer targets (needs clang)" OFF)

# comments_add_fuzzer(NAME source CORPUS dir LABEL label LIBS libs...)
function(comments_add_fuzzer name source)
  cmake_parse_arguments(F "" "CORPUS;LABEL" "LIBS" ${ARGN})
  if(COMMENTS_FUZZ)
    add_executable(${name} ${source})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  else()
    add_executable(${name} ${source} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cc)
    add_test(NAME ${name}_replay COMMAND ${name} ${F_CORPUS})
    set_tests_properties(${name}_replay PROPERTIES LABELS ${F_LABEL})
  endif()
  target_link_libraries(${name} PRIVATE ${F_LIBS} comments_build_flags)
endfunction()
