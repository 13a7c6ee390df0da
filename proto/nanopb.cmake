# Generation of vh.proto's nanopb code, shared by the host build
# (proto/CMakeLists.txt) and the target sub-build (mgmt-agent/CMakeLists.txt):
#
#   vh_nanopb_generate(OUTDIR SRC_VAR)
#
# adds the custom command producing OUTDIR/vh.pb.c and OUTDIR/vh.pb.h from
# proto/vh.proto with the bounds of proto/vh.options, and sets SRC_VAR to the
# generated .c in the caller's scope.  Debian's `nanopb` package provides the
# generator (it runs the system protoc itself).
set(VH_PROTO_DIR ${CMAKE_CURRENT_LIST_DIR})
find_program(VH_NANOPB_GENERATOR NAMES nanopb_generator.py nanopb_generator REQUIRED)

function(vh_nanopb_generate outdir src_var)
  add_custom_command(
    OUTPUT ${outdir}/vh.pb.c ${outdir}/vh.pb.h
    COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
    COMMAND ${VH_NANOPB_GENERATOR} -q -I ${VH_PROTO_DIR} -D ${outdir}
            -f ${VH_PROTO_DIR}/vh.options ${VH_PROTO_DIR}/vh.proto
    DEPENDS ${VH_PROTO_DIR}/vh.proto ${VH_PROTO_DIR}/vh.options
    COMMENT "nanopb: vh.proto -> ${outdir}"
    VERBATIM)
  set(${src_var} ${outdir}/vh.pb.c PARENT_SCOPE)
endfunction()
