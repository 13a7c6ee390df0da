# Tests of `vhctl campaign` against vhd and vh-fake-target, included from
# tests/CMakeLists.txt.  One CTest test per case of test_campaign.py; each
# starts and cleans up its own processes within its timeout.
foreach(case example failing killed malformed)
  add_test(NAME campaign_${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_campaign.py
                   ${CMAKE_BINARY_DIR} ${case})
  set_tests_properties(campaign_${case} PROPERTIES TIMEOUT 120 LABELS host)
endforeach()
