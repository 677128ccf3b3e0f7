/*
 * Error numbers of the Xen ABI (the list of Xen 4.17).
 *
 * Values are positive, as in Xen's public errno list (they follow x86
 * Linux).  Hypercalls return them negated: `return -XEN_EINVAL;`.
 * Everything in xen-lite that can fail uses this one vocabulary.
 *
 * The XEN_ prefix keeps these apart from the C library's <errno.h> in
 * host-compiled tests.  Plain defines, so assembly can use them too.
 */
#ifndef XENLITE_HYPERCALLS_XEN_ERRNO_H
#define XENLITE_HYPERCALLS_XEN_ERRNO_H

#define XEN_EPERM            1   /* operation not permitted */
#define XEN_ENOENT           2   /* no such entry */
#define XEN_ESRCH            3   /* no such domain / vcpu */
#define XEN_EINTR            4   /* interrupted; hypervisor-internal only */
#define XEN_EIO              5   /* I/O error */
#define XEN_ENXIO            6   /* no such device or address */
#define XEN_E2BIG            7   /* argument list or batch too long */
#define XEN_ENOEXEC          8   /* bad executable format */
#define XEN_EBADF            9   /* bad handle */
#define XEN_ECHILD          10   /* no child */
#define XEN_EAGAIN          11   /* try again */
#define XEN_EWOULDBLOCK     11   /* same as EAGAIN */
#define XEN_ENOMEM          12   /* out of memory */
#define XEN_EACCES          13   /* permission denied */
#define XEN_EFAULT          14   /* bad guest address */
#define XEN_EBUSY           16   /* resource busy */
#define XEN_EEXIST          17   /* already exists */
#define XEN_EXDEV           18   /* cross-domain reference */
#define XEN_ENODEV          19   /* no such device */
#define XEN_ENOTDIR         20   /* not a directory */
#define XEN_EISDIR          21   /* is a directory */
#define XEN_EINVAL          22   /* invalid argument */
#define XEN_ENFILE          23   /* table overflow */
#define XEN_EMFILE          24   /* too many open handles */
#define XEN_ENOSPC          28   /* no space left */
#define XEN_EROFS           30   /* read-only */
#define XEN_EMLINK          31   /* too many links */
#define XEN_EDOM            33   /* argument out of domain */
#define XEN_ERANGE          34   /* result out of range */
#define XEN_EDEADLK         35   /* deadlock would occur */
#define XEN_EDEADLOCK       35   /* same as EDEADLK */
#define XEN_ENAMETOOLONG    36   /* name too long */
#define XEN_ENOLCK          37   /* no locks available */
#define XEN_ENOSYS          38   /* hypercall or sub-op not implemented */
#define XEN_ENOTEMPTY       39   /* not empty */
#define XEN_ENODATA         61   /* no data */
#define XEN_ETIME           62   /* timer expired (singleshot in the past) */
#define XEN_EBADMSG         74   /* not a data message */
#define XEN_EOVERFLOW       75   /* value too large */
#define XEN_EILSEQ          84   /* illegal byte sequence */
#define XEN_ERESTART        85   /* restart the hypercall; internal only */
#define XEN_ENOTSOCK        88   /* not a socket */
#define XEN_EMSGSIZE        90   /* message too long */
#define XEN_EOPNOTSUPP      95   /* operation not supported */
#define XEN_EADDRINUSE      98   /* address in use */
#define XEN_EADDRNOTAVAIL   99   /* address not available */
#define XEN_ENOBUFS        105   /* no buffer space */
#define XEN_EISCONN        106   /* already connected */
#define XEN_ENOTCONN       107   /* not connected */
#define XEN_ETIMEDOUT      110   /* timed out */
#define XEN_ECONNREFUSED   111   /* connection refused */

#endif /* XENLITE_HYPERCALLS_XEN_ERRNO_H */
