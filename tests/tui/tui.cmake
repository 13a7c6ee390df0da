# vhtop against vhd + vh-fake-target under a private tmux server, included
# from tests/CMakeLists.txt.  One CTest test per case of test_vhtop.py;
# each starts and cleans up its own processes (and tmux) within its timeout.
# One tmux-driven terminal at a time (RESOURCE_LOCK tty): two at once on a
# 2-core machine made screen timing flaky.
set(VHTOP_TEST ${CMAKE_CURRENT_LIST_DIR}/test_vhtop.py)
vh_py_cases(tui_vhtop_ ${VHTOP_TEST} TIMEOUT 90 LABELS host PROPERTIES RESOURCE_LOCK tty
            CASES rows migrate refusal resize quit batch connecting readonly)

# The same screen against vh itself: vhd starts QEMU with the demo scenario.
vh_py_cases(tui_vhtop_ ${VHTOP_TEST} SUFFIX _qemu TIMEOUT 180 LABELS host qemu
            PROPERTIES RESOURCE_LOCK tty ENV "VHTOP_TEST_QEMU=demo"
            CASES rows migrate refusal resize quit)
