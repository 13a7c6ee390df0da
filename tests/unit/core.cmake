# Host unit tests of the hypervisor's portable core, compiled against the
# host stand-ins in host-arch/ instead of hypervisor/arch/riscv.
set(VH_HV ${VH_ROOT}/hypervisor)

function(vh_core_test name)
  add_executable(${name} ${ARGN})
  target_include_directories(${name} PRIVATE ${VH_ROOT}/include ${VH_HV}/core/inc
                             ${CMAKE_CURRENT_LIST_DIR}/host-arch ${VH_HV}/arch/riscv/inc)
  target_compile_options(${name} PRIVATE ${VH_HOST_WARN_FLAGS} -Wno-missing-prototypes)
  target_link_libraries(${name} PRIVATE criterion)
  add_test(NAME ${name} COMMAND ${name})
endfunction()

vh_core_test(unit_be_policy ${CMAKE_CURRENT_LIST_DIR}/test_be_policy.c ${VH_HV}/core/sched_policy.c)
vh_core_test(unit_insn ${CMAKE_CURRENT_LIST_DIR}/test_insn.c ${VH_HV}/arch/riscv/insn.c)
vh_core_test(unit_vuart ${CMAKE_CURRENT_LIST_DIR}/test_vuart.c ${VH_HV}/core/vuart.c)

# The scheduler (sched.c via sim_sched.c, sched_policy.c) and admission
# (admit.c) on a simulated clock; host-platform/ stands in for the board.
set(VH_SIM_SOURCES ${CMAKE_CURRENT_LIST_DIR}/sim_arch.c ${CMAKE_CURRENT_LIST_DIR}/sim_sched.c
    ${CMAKE_CURRENT_LIST_DIR}/host_lib.c ${VH_HV}/core/sched_policy.c ${VH_HV}/core/admit.c)
foreach(t edf_sim admit)
  vh_core_test(unit_${t} ${CMAKE_CURRENT_LIST_DIR}/test_${t}.c ${VH_SIM_SOURCES})
  target_include_directories(unit_${t} PRIVATE ${CMAKE_CURRENT_LIST_DIR}/host-platform)
endforeach()

# Messaging: the policy alone, then the hypercalls with the real adu.c
# bounds check and recorded stand-ins (ipc_host.c).
vh_core_test(unit_ipc ${CMAKE_CURRENT_LIST_DIR}/test_ipc.c ${VH_HV}/core/ipc_policy.c)
vh_core_test(unit_ipc_hcall ${CMAKE_CURRENT_LIST_DIR}/test_ipc_hcall.c ${CMAKE_CURRENT_LIST_DIR}/ipc_host.c
             ${VH_HV}/core/ipc.c ${VH_HV}/core/ipc_policy.c)

# Absent devices: the board's map (platform data) and its lookup.
vh_core_test(unit_vdev ${CMAKE_CURRENT_LIST_DIR}/test_vdev.c ${VH_HV}/core/vdev_map.c
             ${VH_HV}/platform/qemu-virt/absent.c)
target_include_directories(unit_vdev PRIVATE ${VH_HV}/platform/qemu-virt/inc)
