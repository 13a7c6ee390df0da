/*
 * vhtop's connection to vhd: one Unix socket, length-prefixed vhd.proto
 * messages (hostd/apiframe.h).  Unlike vhctl's, it never prints: errors
 * are kept as a sentence in c->err for the screen, and reading never
 * blocks (the caller polls c->fd).  The admin socket is tried first, then
 * PATH.ro; c->readonly says which one answered.
 */
#ifndef VHTOP_CONN_H
#define VHTOP_CONN_H

#include <stdint.h>

#include "apiframe.h"
#include "vhd.pb-c.h"

struct vhtop_conn {
    char sock[108];
    char ro_sock[112];
    int only_ro;        /* -s named a .ro socket: never try the admin one */
    int fd;             /* -1: not connected */
    int readonly;       /* connected to the read-only socket */
    struct vhd_framer fr;
    uint32_t next_id;
    char err[512];      /* why the last connect or read failed */
};

void vhtop_conn_init(struct vhtop_conn *c, const char *sock);
/* Connect (admin socket, else PATH.ro).  Returns 0 or -1 with c->err. */
int vhtop_conn_open(struct vhtop_conn *c);
void vhtop_conn_close(struct vhtop_conn *c);
/* Send rq with a fresh id (returned, > 0), or 0 when the connection failed
 * (closed then, with c->err). */
uint32_t vhtop_conn_send(struct vhtop_conn *c, Vhd__ClientRequest *rq);
/* Read what the socket has (call when poll says readable).  Returns 0, or
 * -1 when vhd closed the connection (closed then, with c->err). */
int vhtop_conn_read(struct vhtop_conn *c);
/* Next whole response already read: 1 with *out (free with
 * vhd__client_response__free_unpacked), 0 none, -1 broken stream (closed). */
int vhtop_conn_next(struct vhtop_conn *c, Vhd__ClientResponse **out);

#endif /* VHTOP_CONN_H */
