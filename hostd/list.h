/*
 * Intrusive circular doubly-linked list (as in libuv's queue.h, which is not
 * public).  An empty list is a head linked to itself.
 */
#ifndef VHD_LIST_H
#define VHD_LIST_H

#include <stddef.h>

struct vhd_list {
    struct vhd_list *prev, *next;
};

#define vhd_container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

static inline void vhd_list_init(struct vhd_list *h)
{
    h->prev = h->next = h;
}

static inline int vhd_list_empty(const struct vhd_list *h)
{
    return h->next == h;
}

static inline void vhd_list_add_tail(struct vhd_list *h, struct vhd_list *n)
{
    n->prev = h->prev;
    n->next = h;
    h->prev->next = n;
    h->prev = n;
}

static inline void vhd_list_del(struct vhd_list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = n;
}

/* Iterate safely against removal of the current node. */
#define vhd_list_for_each_safe(pos, tmp, head)                                                     \
    for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); (pos) = (tmp), (tmp) = (pos)->next)

#endif /* VHD_LIST_H */
