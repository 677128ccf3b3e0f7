/*
 * newlib's system calls for dom0: the console, the ramdisk, a heap and
 * the clock.  newlib's reentrant wrappers (_write_r, _sbrk_r, ...) call
 * these by their plain names; only _exit keeps its underscore.
 *
 * fds 0-2 are the console: output goes through console_io(CONSOLEIO_write)
 * and input comes from console_io(CONSOLEIO_read), sleeping on
 * VIRQ_CONSOLE between keystrokes.  Other fds are ramdisk files, read-only,
 * files of /tmp (tmpfs.c), read-write, or /dev/null (empty; takes and
 * drops whatever is written).
 *
 * This file is compiled with -mgeneral-regs-only: console_event runs from
 * the event upcall, whose entry path does not save SSE registers.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <unistd.h>

#include <guest/guest.h>
#include <guest/pt.h>

#include "dom.h"
#include "ramfs.h"
#include "shell.h"
#include "tmpfs.h"

#define NR_FDS        32
#define FIRST_FILE_FD 3
#define DEV_NULL      "/dev/null"

struct open_file {
    bool used;
    struct ramfs_node node;             /* a ramdisk file */
    int tmp;                            /* or a /tmp file: its index, or -1 */
    bool null;                          /* or /dev/null */
    bool append, writable;
    size_t pos;
};

static struct open_file files[NR_FDS];

/* ---- The console -------------------------------------------------------- */

static volatile bool console_kicked;
static volatile bool work_kicked;

/* Runs in the upcall: no SSE, no newlib; just note that input arrived. */
static void console_event(evtchn_port_t port, void *data, struct g_frame *f)
{
    console_kicked = true;
}

/* Backend work (domain consoles, domains that shut down) was signalled. */
void dom0_event_kick(evtchn_port_t port, void *data, struct g_frame *f)
{
    work_kicked = true;
}

void dom0_kick(void)
{
    work_kicked = true;
}

/* Run the backends if they were signalled. */
static void run_background(void)
{
    if (work_kicked) {
        work_kicked = false;
        dom_background();
    }
}

/*
 * Wait until deadline_ns (0: until the console has input), doing backend
 * work whenever it is signalled or due (dom_background_due).  With
 * any_work, also return after each piece of backend work (xl console
 * watches its domain that way).
 * Checking the flags with events off and then blocking loses no wake-up:
 * SCHEDOP_block re-enables them atomically.
 */
static void idle_loop(uint64_t deadline_ns, bool any_work)
{
    for (;;) {
        uint64_t wake = deadline_ns, due = dom_background_due();
        bool worked;

        if (due && g_now_ns() >= due)
            work_kicked = true;         /* work that runs on a clock */
        worked = work_kicked;
        run_background();
        if (deadline_ns && g_now_ns() >= deadline_ns)
            return;
        if (!deadline_ns && console_kicked) {
            console_kicked = false;     /* the caller reads the input now */
            return;
        }
        if (worked && any_work)
            return;
        due = dom_background_due();
        if (due && (!wake || due < wake))
            wake = due;
        if (wake)
            g_singleshot_set(wake, 0);
        g_irq_disable();
        if (!work_kicked && !(wake && g_now_ns() >= wake) &&
            !(!deadline_ns && console_kicked))
            g_block();
        g_irq_enable();
    }
}

void dom0_idle(uint64_t deadline_ns)
{
    idle_loop(deadline_ns, false);
}

void dom0_idle_any(void)
{
    idle_loop(0, true);
}

static int console_init(void)
{
    int port = g_evtchn_bind_virq(VIRQ_CONSOLE, 0);

    if (port < 0)
        return port;
    g_evtchn_set_handler((evtchn_port_t)port, console_event, NULL);
    return 0;
}

/* Read what has been typed; block until there is at least one byte. */
static int console_read(char *buf, size_t len)
{
    for (;;) {
        long n;

        console_kicked = false;
        n = hc_console_io(CONSOLEIO_read, (unsigned int)len, buf);
        if (n != 0)
            return n < 0 ? (errno = EIO, -1) : (int)n;
        /* Input that arrives after the read sets console_kicked (the
         * handler runs once events are enabled again). */
        dom0_idle(0);
    }
}

/* ---- The heap ----------------------------------------------------------- */

/*
 * sbrk's heap starts right after the bootstrap region (which ends on a
 * 4 MiB boundary) and may grow to the end of the 1 GiB that the region's
 * L2 table covers.  Pages come from the guest's free frames; a new L1
 * table is hooked into that L2 table by mmu_update whenever the heap
 * crosses into a new 2 MiB.
 */
#define L3_SPAN (1ull << 30)

static uint64_t heap_start, heap_brk, heap_mapped, heap_limit;
static uint64_t heap_l2_mfn;

static void heap_init(void)
{
    heap_start = G_VIRT_BASE + g_mapped_pfns() * G_PAGE_SIZE;
    heap_brk = heap_mapped = heap_start;
    heap_limit = (heap_start & ~(L3_SPAN - 1)) + L3_SPAN;
    heap_l2_mfn = g_pt_table_of(0, heap_start, 2);
    if (!heap_l2_mfn)
        heap_limit = heap_start;        /* no table to grow into */
}

static int ensure_l1(uint64_t va)
{
    unsigned int slot = g_pt_index(va, 2);
    struct mmu_update u;
    uint64_t l1_mfn;

    if (g_pt_read(heap_l2_mfn, slot) & G_PTE_P)
        return 0;
    l1_mfn = g_pt_alloc_table();
    if (!l1_mfn)
        return -1;
    u.ptr = ((heap_l2_mfn << G_PAGE_SHIFT) + slot * sizeof(uint64_t)) |
            MMU_NORMAL_PT_UPDATE;
    u.val = (l1_mfn << G_PAGE_SHIFT) | G_PTE_TABLE;
    if (hc_mmu_update(&u, 1, NULL, DOMID_SELF) < 0) {
        g_pt_free_table(l1_mfn);
        return -1;
    }
    return 0;
}

static int heap_map_page(uint64_t va)
{
    uint64_t pfn;

    if (ensure_l1(va) < 0)
        return -1;
    pfn = g_page_alloc();
    if (pfn == G_INVALID_PFN)
        return -1;
    if (g_map_page(va, g_pfn_to_mfn(pfn), G_PTE_KERNEL_RW) < 0) {
        g_page_free(pfn);
        return -1;
    }
    return 0;
}

void *sbrk(ptrdiff_t incr)
{
    uint64_t old = heap_brk, want = heap_brk + incr;

    if (want < heap_start || want > heap_limit) {
        errno = ENOMEM;
        return (void *)-1;
    }
    while (heap_mapped < want) {
        if (heap_map_page(heap_mapped) < 0) {
            errno = ENOMEM;
            return (void *)-1;
        }
        heap_mapped += G_PAGE_SIZE;
    }
    heap_brk = want;
    return (void *)old;
}

/* ---- Files -------------------------------------------------------------- */

static struct open_file *file_of(int fd)
{
    if (fd < FIRST_FILE_FD || fd >= NR_FDS || !files[fd].used) {
        errno = EBADF;
        return NULL;
    }
    return &files[fd];
}

static int new_fd(const struct open_file *f)
{
    for (int fd = FIRST_FILE_FD; fd < NR_FDS; fd++) {
        if (!files[fd].used) {
            files[fd] = *f;
            files[fd].used = true;
            return fd;
        }
    }
    return errno = EMFILE, -1;
}

/* /dev/null as a node: an empty character device anyone may write. */
static const struct ramfs_node null_node = { .mode = S_IFCHR | 0666 };

/* A file of /tmp, the one writable place. */
static int open_tmp(const char *path, int flags)
{
    int acc = flags & O_ACCMODE;
    int i = tmpfs_open(path, flags & O_CREAT, (flags & O_TRUNC) && acc);

    if (i < 0)
        return errno = -i, -1;
    return new_fd(&(struct open_file){ .tmp = i, .append = flags & O_APPEND,
                                       .writable = acc != O_RDONLY });
}

int open(const char *path, int flags, ...)
{
    char norm[RAMFS_PATH_MAX];
    struct ramfs_node node;
    int rc = ramfs_normalize(path, norm, sizeof(norm));

    if (rc < 0)
        return errno = -rc, -1;
    if (tmpfs_owns(norm))
        return open_tmp(norm, flags);
    if (!strcmp(norm, DEV_NULL))
        return new_fd(&(struct open_file){ .node = null_node, .tmp = -1,
                                           .null = true });
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)))
        return errno = EROFS, -1;       /* only /tmp is writable */
    if ((rc = ramfs_lookup(norm, &node)) < 0)
        return errno = -rc, -1;
    if (S_ISDIR(node.mode))
        return errno = EISDIR, -1;
    if (!S_ISREG(node.mode))
        return errno = ELOOP, -1;       /* links are not followed */
    return new_fd(&(struct open_file){ .node = node, .tmp = -1 });
}

int unlink(const char *path)
{
    char norm[RAMFS_PATH_MAX];
    int rc = ramfs_normalize(path, norm, sizeof(norm));

    if (rc == 0)
        rc = tmpfs_owns(norm) ? tmpfs_unlink(norm)
                              : ramfs_lookup(norm, &(struct ramfs_node){ 0 })
                                    ? -ENOENT : -EROFS;
    return rc < 0 ? (errno = -rc, -1) : 0;
}

int close(int fd)
{
    struct open_file *f;

    if (fd >= 0 && fd < FIRST_FILE_FD)
        return 0;
    f = file_of(fd);
    if (!f)
        return -1;
    f->used = false;
    return 0;
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
    struct open_file *f;
    size_t n;

    if (fd == STDIN_FILENO)
        return len ? console_read(buf, len) : 0;
    if (fd == STDOUT_FILENO || fd == STDERR_FILENO)
        return errno = EBADF, -1;
    f = file_of(fd);
    if (!f)
        return -1;
    if (f->tmp >= 0) {
        ssize_t got = tmpfs_read(f->tmp, f->pos, buf, len);

        f->pos += (size_t)got;
        return (_READ_WRITE_RETURN_TYPE)got;
    }
    n = f->pos < f->node.size ? f->node.size - f->pos : 0;
    n = n < len ? n : len;
    memcpy(buf, f->node.data + f->pos, n);
    f->pos += n;
    return (_READ_WRITE_RETURN_TYPE)n;
}

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
    struct open_file *f;
    ssize_t n;

    if (fd == STDOUT_FILENO || fd == STDERR_FILENO) {
        g_console_write(buf, len);
        return (_READ_WRITE_RETURN_TYPE)len;
    }
    f = fd == STDIN_FILENO ? NULL : file_of(fd);
    if (f && f->null)
        return (_READ_WRITE_RETURN_TYPE)len;
    if (!f || f->tmp < 0 || !f->writable)
        return errno = EBADF, -1;
    if (f->append)
        f->pos = tmpfs_size(f->tmp);
    if ((n = tmpfs_write(f->tmp, f->pos, buf, len)) < 0)
        return errno = (int)-n, -1;
    f->pos += (size_t)n;
    return (_READ_WRITE_RETURN_TYPE)n;
}

off_t lseek(int fd, off_t off, int whence)
{
    struct open_file *f;
    off_t base;

    if (fd >= 0 && fd < FIRST_FILE_FD)
        return errno = ESPIPE, -1;
    f = file_of(fd);
    if (!f)
        return -1;
    if (whence == SEEK_SET)
        base = 0;
    else if (whence == SEEK_CUR)
        base = (off_t)f->pos;
    else if (whence == SEEK_END)
        base = (off_t)(f->tmp >= 0 ? tmpfs_size(f->tmp) : f->node.size);
    else
        return errno = EINVAL, -1;
    if (off < -base)
        return errno = EINVAL, -1;
    f->pos = (size_t)(base + off);
    return base + off;
}

static void stat_node(const struct ramfs_node *n, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_mode = n->mode;
    st->st_size = (off_t)n->size;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    st->st_blocks = (n->size + 511) / 512;
    st->st_mtime = n->mtime;
    st->st_atime = st->st_ctime = n->mtime;
}

int fstat(int fd, struct stat *st)
{
    struct open_file *f;

    if (fd >= 0 && fd < FIRST_FILE_FD) {
        memset(st, 0, sizeof(*st));
        st->st_mode = S_IFCHR | 0620;
        st->st_blksize = 0;     /* newlib picks its default buffer */
        return 0;
    }
    f = file_of(fd);
    if (!f)
        return -1;
    if (f->tmp >= 0)
        stat_node(&(struct ramfs_node){ .mode = S_IFREG | 0644,
                                        .size = tmpfs_size(f->tmp) }, st);
    else
        stat_node(&f->node, st);
    return 0;
}

int stat(const char *path, struct stat *st)
{
    char norm[RAMFS_PATH_MAX];
    struct ramfs_node node;
    long size;
    int rc = ramfs_normalize(path, norm, sizeof(norm));

    if (rc == 0 && tmpfs_owns(norm) && (rc = tmpfs_stat(norm, &size)) == 0)
        node = (struct ramfs_node){
            .mode = size < 0 ? S_IFDIR | 01777 : S_IFREG | 0644,
            .size = size < 0 ? 0 : (size_t)size };
    else if (rc == 0 && !strcmp(norm, DEV_NULL))
        node = null_node;
    else if (rc == 0)
        rc = ramfs_lookup(norm, &node);
    if (rc < 0)
        return errno = -rc, -1;
    stat_node(&node, st);
    return 0;
}

int isatty(int fd)
{
    if (fd >= 0 && fd < FIRST_FILE_FD)
        return 1;
    errno = file_of(fd) ? ENOTTY : EBADF;
    return 0;
}

/* ---- Processes and time ------------------------------------------------- */

void _exit(int status)
{
    g_exit(status);
}

pid_t getpid(void)
{
    return 1;
}

/* Only dom0 itself can be signalled: abort() and raise() end up here. */
int kill(int pid, int sig)
{
    if (pid != getpid())
        return errno = ESRCH, -1;
    g_printf("dom0: killed by signal %d\n", sig);
    g_exit(128 + sig);
}

int gettimeofday(struct timeval *tv, void *tz)
{
    uint64_t sec;
    uint32_t nsec;

    if (tv) {
        g_wallclock(&sec, &nsec);
        tv->tv_sec = (time_t)sec;
        tv->tv_usec = (suseconds_t)(nsec / 1000);
    }
    return 0;
}

/* All time since boot counts as dom0's user time, in clock() ticks. */
clock_t times(struct tms *t)
{
    clock_t ticks = (clock_t)(g_now_ns() / (G_NS_PER_SEC / CLOCKS_PER_SEC));

    if (t) {
        t->tms_utime = ticks;
        t->tms_stime = t->tms_cutime = t->tms_cstime = 0;
    }
    return ticks;
}

/* ---- Start of day ------------------------------------------------------- */

int dom0_syscalls_init(void)
{
    heap_init();
    return console_init();
}
