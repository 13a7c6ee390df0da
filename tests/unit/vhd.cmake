# vhd / vhctl unit tests, included from tests/CMakeLists.txt.
#   unit_vhd   Criterion: local-API framing and socket handling, stats fan-out
#              with a slow client, backoff, durations, specs, QEMU command
#              line, scenario lookup, ELF symbol lookup
find_library(CRITERION_LIB criterion REQUIRED)
add_executable(test_vhd
  ${CMAKE_CURRENT_LIST_DIR}/test_vhd_pure.c
  ${CMAKE_CURRENT_LIST_DIR}/test_vhd_loop.c)
target_link_libraries(test_vhd PRIVATE vhdcore vhctl_util ${CRITERION_LIB})
target_compile_options(test_vhd PRIVATE ${VH_HOST_WARN_FLAGS})
target_compile_definitions(test_vhd PRIVATE _GNU_SOURCE VH_TEST_SOURCE_DIR="${VH_ROOT}")
add_test(NAME unit_vhd COMMAND test_vhd --jobs 1)
set_tests_properties(unit_vhd PROPERTIES TIMEOUT 120)
