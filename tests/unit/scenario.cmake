# vhscen / vhcfg tests, included from tests/CMakeLists.txt.
#   unit_scenario       Criterion tests of the library (parse, check, place, DTB)
#   vhcfg_bad_scenarios vhcfg on tests/scenarios/bad-*.vhs: exit 1 + expected text
#   vhcfg_good_scenario vhcfg on a good scenario; outputs compile and assemble
find_library(CRITERION_LIB criterion REQUIRED)

add_executable(test_scenario
  ${CMAKE_CURRENT_LIST_DIR}/test_scenario.c
  ${CMAKE_CURRENT_LIST_DIR}/test_scenario_dtb.c)
target_link_libraries(test_scenario PRIVATE vhscen ${CRITERION_LIB})
target_compile_options(test_scenario PRIVATE ${VH_HOST_WARN_FLAGS})
add_test(NAME unit_scenario COMMAND test_scenario)

add_test(NAME vhcfg_bad_scenarios
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/check_bad_scenarios.sh
          $<TARGET_FILE:vhcfg> ${VH_ROOT}/tests/scenarios ${CMAKE_CURRENT_BINARY_DIR}/vhcfg-bad)
add_test(NAME vhcfg_good_scenario
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/check_good_scenario.sh
          $<TARGET_FILE:vhcfg> ${VH_ROOT}/tests/scenarios/good-demo.vhs
          ${VH_ROOT}/include ${CMAKE_CURRENT_BINARY_DIR}/vhcfg-good ${CMAKE_C_COMPILER})
