# Tests of `vhctl campaign` against vhd, included from tests/CMakeLists.txt.
# One CTest test per case of test_campaign.py; each starts and cleans up its
# own processes within its timeout.  `example` and `killed-qemu` run vh in
# QEMU (two targets each, spawned by the campaign); the others run on
# vh-fake-target.
foreach(case fake failing killed malformed)
  add_test(NAME campaign_${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_campaign.py
                   ${CMAKE_BINARY_DIR} ${case})
  set_tests_properties(campaign_${case} PROPERTIES TIMEOUT 120 LABELS host)
endforeach()
foreach(case example killed-qemu)
  add_test(NAME campaign_${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_campaign.py
                   ${CMAKE_BINARY_DIR} ${case})
  # Two QEMUs, each one busy host thread (-icount): the test takes two
  # CPUs, and emulated time follows the host clock, so it runs alone.
  set_tests_properties(campaign_${case} PROPERTIES TIMEOUT 180 LABELS qemu PROCESSORS 2)
endforeach()
