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
