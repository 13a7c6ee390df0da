# Fuzz targets for the decoders fed from outside (included from
# tests/unit/agent.cmake):
#   fuzz_frame  link receiver          fuzz_rpc  RPC decode + dispatch (fake hypervisor)
# Each builds twice: as a stdin program with the project's compiler
# (fuzz_*_stdin), and, when clang is available, as a libFuzzer binary
# (clang -fsanitize=fuzzer,address,undefined; the default gcc build invokes
# clang directly for these).  CTest `fuzz_smoke` runs the seeds through the
# stdin builds and each libFuzzer build for FUZZ_SECONDS (10) seconds.
set(VH_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
set(VH_FUZZ_OUT ${CMAKE_BINARY_DIR}/tests/fuzz)
set(VH_AGENT ${VH_ROOT}/mgmt-agent)
set(VH_FUZZ_PB_DIR ${CMAKE_BINARY_DIR}/proto/nanopb)

function(vh_fuzz_stdin name src)
  add_executable(${name} ${src})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${VH_FUZZ_OUT})
  target_compile_options(${name} PRIVATE ${VH_HOST_WARN_FLAGS})
  target_link_libraries(${name} PRIVATE ${ARGN})
endfunction()
vh_fuzz_stdin(fuzz_frame_stdin ${VH_FUZZ_DIR}/fuzz_frame.c mgmt_link)
vh_fuzz_stdin(fuzz_rpc_stdin ${VH_FUZZ_DIR}/fuzz_rpc.c mgmt_fake_ops)
vh_fuzz_stdin(fuzz_seeds ${VH_FUZZ_DIR}/fuzz_seeds.c mgmt_link vhproto_nanopb_host)

# libFuzzer builds: nanopb's runtime from third_party (instrumented) when
# fetched, else Debian's static library.
if(CMAKE_C_COMPILER_ID STREQUAL "Clang")
  set(VH_FUZZ_CLANG ${CMAKE_C_COMPILER})
else()
  find_program(VH_FUZZ_CLANG clang)
endif()
if(VH_FUZZ_CLANG)
  set(NB ${VH_ROOT}/third_party/nanopb)
  if(EXISTS ${NB}/pb_decode.c)
    set(VH_FUZZ_NANOPB ${NB}/pb_common.c ${NB}/pb_encode.c ${NB}/pb_decode.c)
    set(VH_FUZZ_NANOPB_INC -I${NB})
  else()
    set(VH_FUZZ_NANOPB ${NANOPB_HOST_LIB})
    set(VH_FUZZ_NANOPB_INC -I${NANOPB_HOST_INCLUDE})
  endif()
  set(VH_FUZZ_FLAGS -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
      -DVH_LIBFUZZER -I${VH_AGENT}/include -I${VH_ROOT}/include -I${VH_AGENT}/host
      -I${VH_FUZZ_PB_DIR} ${VH_FUZZ_NANOPB_INC})
  set(LINK_SRC ${VH_AGENT}/src/link.c)
  set(AGENT_SRC ${VH_AGENT}/src/agent.c ${VH_AGENT}/src/rpc.c ${VH_AGENT}/src/rpc_info.c
                ${VH_AGENT}/src/wire.c
                ${VH_AGENT}/host/fake_ops.c ${VH_FUZZ_PB_DIR}/vh.pb.c)
  add_custom_command(OUTPUT ${VH_FUZZ_OUT}/fuzz_frame
    COMMAND ${VH_FUZZ_CLANG} ${VH_FUZZ_FLAGS} ${VH_FUZZ_DIR}/fuzz_frame.c ${LINK_SRC}
            -o ${VH_FUZZ_OUT}/fuzz_frame
    DEPENDS ${VH_FUZZ_DIR}/fuzz_frame.c ${LINK_SRC}
    COMMENT "clang libFuzzer: fuzz_frame" VERBATIM)
  add_custom_command(OUTPUT ${VH_FUZZ_OUT}/fuzz_rpc
    COMMAND ${VH_FUZZ_CLANG} ${VH_FUZZ_FLAGS} ${VH_FUZZ_DIR}/fuzz_rpc.c ${LINK_SRC} ${AGENT_SRC}
            ${VH_FUZZ_NANOPB} -o ${VH_FUZZ_OUT}/fuzz_rpc
    DEPENDS ${VH_FUZZ_DIR}/fuzz_rpc.c ${LINK_SRC} ${AGENT_SRC} vhproto_nanopb_host
    COMMENT "clang libFuzzer: fuzz_rpc" VERBATIM)
  add_custom_target(vh_fuzzers ALL DEPENDS ${VH_FUZZ_OUT}/fuzz_frame ${VH_FUZZ_OUT}/fuzz_rpc)
endif()

add_test(NAME fuzz_smoke COMMAND sh ${VH_FUZZ_DIR}/run_fuzz_smoke.sh ${VH_FUZZ_OUT})
set_tests_properties(fuzz_smoke PROPERTIES TIMEOUT 120 LABELS fuzz)
