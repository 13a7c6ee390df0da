# End-to-end tests of vhd + vhctl against vh-fake-target, included from
# tests/CMakeLists.txt.  One CTest test per case of test_vhd_e2e.py; each
# starts and cleans up its own processes within its timeout.
set(E2E ${CMAKE_CURRENT_LIST_DIR}/test_vhd_e2e.py)
set(MANY ${CMAKE_CURRENT_LIST_DIR}/test_vhd_many.py)
vh_py_cases(host_vhd_ ${E2E} TIMEOUT 90 LABELS host
            CASES basic refusal stats console reboot readonly malformed qemu_cmdline)

# vhd under valgrind for two whole sessions (requests, streams, a target
# reboot).
vh_py_cases(host_vhd_valgrind_ ${E2E} TIMEOUT 180 LABELS host ENV "${VH_VALGRIND_ENV}"
            CASES basic reboot)

# One vhd, many fake targets (test_vhd_many.py): a client following 64 or
# 256 targets loses no sample; a stuck client gets gaps counted and vhd's
# memory stays bounded; a client that never reads its answers is dropped.
vh_py_cases(host_vhd_many_ ${MANY} TIMEOUT 120 LABELS host CASES follow64 follow256 stuck flood)
# 256 target processes, or 64 streaming at 100 Hz to three clients: two CPUs'
# worth, so they run alone rather than slow a QEMU test beside them.
set_tests_properties(host_vhd_many_follow256 host_vhd_many_stuck PROPERTIES PROCESSORS 2)
# The stuck and flooding clients with vhd under valgrind: queued writes of
# clients that fall behind, are dropped, or are still queued at shutdown are
# all freed.
vh_py_cases(host_vhd_valgrind_many_ ${MANY} TIMEOUT 180 LABELS host ENV "${VH_VALGRIND_ENV}"
            CASES stuck_small flood)
