/*
 * Handlers of the local API shared between api.c (dispatch) and
 * api_stream.c (streams, console input, symbols).  Each answers the
 * request exactly once (a stream: once, then stream messages).
 */
#ifndef VHD_API_H
#define VHD_API_H

#include "vhd.h"

void vhd_api_forward(struct vhd_client *c, struct vhd_target *t, const Vhd__ClientRequest *rq,
                     Vh__Request *fw);
void vhd_api_note_adus(struct vhd_target *t, const Vh__Response *r);
void vhd_api_refresh_adus(struct vhd_target *t);
void vhd_api_stats_subscribe(struct vhd_client *c, struct vhd_target *t,
                             const Vhd__ClientRequest *rq);
/* Close the client's stream `which` (an attach or subscribe request id). */
void vhd_api_stream_close(struct vhd_client *c, const Vhd__ClientRequest *rq, uint32_t which);
void vhd_api_console_attach(struct vhd_client *c, struct vhd_target *t,
                            const Vhd__ClientRequest *rq);
void vhd_api_console_input(struct vhd_client *c, struct vhd_target *t,
                           const Vhd__ClientRequest *rq);
void vhd_api_resolve_symbol(struct vhd_client *c, struct vhd_target *t,
                            const Vhd__ClientRequest *rq);

#endif /* VHD_API_H */
