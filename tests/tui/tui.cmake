# vhtop against vhd + vh-fake-target under a private tmux server, included
# from tests/CMakeLists.txt.  One CTest test per case of test_vhtop.py;
# each starts and cleans up its own processes (and tmux) within its timeout.
foreach(case rows migrate refusal resize quit batch connecting readonly)
  add_test(NAME tui_vhtop_${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_vhtop.py
                   ${CMAKE_BINARY_DIR} ${case})
  # One tmux-driven terminal at a time: two at once on a 2-core machine made
  # screen timing flaky.
  set_tests_properties(tui_vhtop_${case} PROPERTIES TIMEOUT 90 LABELS host RESOURCE_LOCK tty)
endforeach()

# The same screen against vh itself: vhd starts QEMU with the demo scenario.
foreach(case rows migrate refusal resize quit)
  add_test(NAME tui_vhtop_${case}_qemu
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_vhtop.py ${CMAKE_BINARY_DIR} ${case})
  set_tests_properties(tui_vhtop_${case}_qemu PROPERTIES TIMEOUT 180 LABELS "host;qemu"
                       RESOURCE_LOCK tty ENVIRONMENT "VHTOP_TEST_QEMU=demo")
endforeach()
