# Tests of `vhctl campaign` against vhd, included from tests/CMakeLists.txt.
# One CTest test per case of test_campaign.py; each starts and cleans up its
# own processes within its timeout.  `example` and `killed-qemu` run vh in
# QEMU (two targets each, spawned by the campaign); the others run on
# vh-fake-target.
set(CAMPAIGN ${CMAKE_CURRENT_LIST_DIR}/test_campaign.py)
vh_py_cases(campaign_ ${CAMPAIGN} TIMEOUT 120 LABELS host CASES fake failing killed malformed)
# Two QEMUs, each one busy host thread (-icount): the test takes two CPUs,
# and emulated time follows the host clock, so it runs alone.
vh_py_cases(campaign_ ${CAMPAIGN} TIMEOUT 180 LABELS qemu PROPERTIES PROCESSORS 2
            CASES example killed-qemu)
