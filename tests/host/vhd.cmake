# End-to-end tests of vhd + vhctl against vh-fake-target, included from
# tests/CMakeLists.txt.  One CTest test per case of test_vhd_e2e.py; each
# starts and cleans up its own processes within its timeout.
foreach(case basic refusal stats console reboot readonly malformed qemu_cmdline)
  add_test(NAME host_vhd_${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_vhd_e2e.py
                   ${CMAKE_BINARY_DIR} ${case})
  set_tests_properties(host_vhd_${case} PROPERTIES TIMEOUT 90 LABELS host)
endforeach()

# vhd under valgrind for two whole sessions (requests, streams, a target
# reboot): memory errors or definite leaks fail the test.
foreach(case basic reboot)
  add_test(NAME host_vhd_valgrind_${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_vhd_e2e.py
                   ${CMAKE_BINARY_DIR} ${case})
  set_tests_properties(host_vhd_valgrind_${case} PROPERTIES TIMEOUT 180 LABELS host
    ENVIRONMENT "VHD_WRAP=valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite")
endforeach()

# One vhd, many fake targets (test_vhd_many.py): a client following 64 or
# 256 targets loses no sample; a stuck client gets gaps counted and vhd's
# memory stays bounded; a client that never reads its answers is dropped.
foreach(case follow64 follow256 stuck flood)
  add_test(NAME host_vhd_many_${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_vhd_many.py
                   ${CMAKE_BINARY_DIR} ${case})
  set_tests_properties(host_vhd_many_${case} PROPERTIES TIMEOUT 120 LABELS host)
endforeach()
# 256 target processes, or 64 streaming at 100 Hz to three clients: two CPUs'
# worth, so they run alone rather than slow a QEMU test beside them.
set_tests_properties(host_vhd_many_follow256 host_vhd_many_stuck PROPERTIES PROCESSORS 2)
# The stuck and flooding clients with vhd under valgrind: queued writes of
# clients that fall behind, are dropped, or are still queued at shutdown are
# all freed.
foreach(case stuck_small flood)
  add_test(NAME host_vhd_valgrind_many_${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_vhd_many.py
                   ${CMAKE_BINARY_DIR} ${case})
  set_tests_properties(host_vhd_valgrind_many_${case} PROPERTIES TIMEOUT 180 LABELS host
    ENVIRONMENT "VHD_WRAP=valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite")
endforeach()
