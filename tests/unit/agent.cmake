# mgmt-agent tests, included from tests/CMakeLists.txt:
#   unit_link    framing, CRC-32, receiver resync and counters
#   unit_rpc     RPC dispatch, modes and stats streams against the fake hypervisor
#   unit_proto   nanopb and protobuf-c encode the same messages byte for byte
#   unit_wire    the agent's one-pass encoder of lists and stats writes what nanopb writes
find_library(CRITERION_LIB criterion REQUIRED)

function(vh_agent_test name)
  add_executable(${name} ${ARGN})
  target_compile_options(${name} PRIVATE ${VH_HOST_WARN_FLAGS} -Wno-missing-prototypes)
  target_link_libraries(${name} PRIVATE ${CRITERION_LIB})
  add_test(NAME ${name} COMMAND ${name})
endfunction()

vh_agent_test(unit_link ${CMAKE_CURRENT_LIST_DIR}/test_link.c)
target_link_libraries(unit_link PRIVATE mgmt_link)

vh_agent_test(unit_rpc ${CMAKE_CURRENT_LIST_DIR}/test_rpc.c
  ${CMAKE_CURRENT_LIST_DIR}/test_rpc_stream.c ${CMAKE_CURRENT_LIST_DIR}/test_rpc_harness.c)
target_link_libraries(unit_rpc PRIVATE mgmt_fake_ops)

vh_agent_test(unit_wire ${CMAKE_CURRENT_LIST_DIR}/test_wire.c)
target_link_libraries(unit_wire PRIVATE mgmt_agent_host)
target_include_directories(unit_wire PRIVATE ${VH_ROOT}/mgmt-agent/src)

vh_agent_test(unit_proto ${CMAKE_CURRENT_LIST_DIR}/test_proto.c)
target_link_libraries(unit_proto PRIVATE vhproto_nanopb_host vhproto_c)
include(${VH_ROOT}/tests/fuzz/fuzz.cmake)
