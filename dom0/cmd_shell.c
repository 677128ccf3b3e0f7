/*
 * The shell's built-in commands and their table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <guest/guest.h>

#include "ramfs.h"
#include "dom.h"
#include "shell.h"
#include "tmpfs.h"
#include "xl.h"
#include "xsd.h"

static int usage(const char *name)
{
    size_t i;

    for (i = 0; i < shell_nr_cmds; i++)
        if (strcmp(shell_cmds[i].name, name) == 0)
            fprintf(stderr, "usage: %s %s\n", name, shell_cmds[i].usage);
    return SHELL_STATUS_USAGE;
}

static int cmd_help(int argc, char **argv)
{
    size_t i;

    printf("Commands:\n");
    for (i = 0; i < shell_nr_cmds; i++) {
        char head[40];

        snprintf(head, sizeof(head), "%s %s", shell_cmds[i].name,
                 shell_cmds[i].usage);
        printf("  %-24s %s\n", head, shell_cmds[i].help);
    }
    printf("Keys: Backspace erases, Ctrl-U kills the line, Ctrl-C "
           "abandons it.\n");
    return 0;
}

static int cmd_echo(int argc, char **argv)
{
    bool newline = true;
    int i = 1;

    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        newline = false;
        i++;
    }
    for (; i < argc; i++)
        printf("%s%s", argv[i], i + 1 < argc ? " " : "");
    if (newline)
        putchar('\n');
    return 0;
}

/* ---- ls ----------------------------------------------------------------- */

static void mode_string(uint32_t mode, char out[11])
{
    static const char rwx[] = "rwxrwxrwx";
    int i;

    out[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : '-';
    for (i = 0; i < 9; i++)
        out[1 + i] = (mode & (0400 >> i)) ? rwx[i] : '-';
    out[10] = '\0';
}

static void ls_entry(const char *name, const struct ramfs_node *n, bool lng)
{
    char mode[11];

    if (!lng) {
        printf("%s\n", name);
        return;
    }
    mode_string(n->mode, mode);
    printf("%s %9zu %s", mode, n->size, name);
    if (S_ISLNK(n->mode))
        printf(" -> %.*s", (int)n->size, (const char *)n->data);
    putchar('\n');
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct ramfs_dirent *)a)->name,
                  ((const struct ramfs_dirent *)b)->name);
}

static int ls_dir(const char *path, bool lng)
{
    struct ramfs_dir dir;
    const struct ramfs_dirent *e;
    struct ramfs_dirent *all = NULL;
    size_t n = 0, i;
    int rc = ramfs_opendir(path, &dir);

    if (rc < 0) {
        fprintf(stderr, "ls: cannot open directory '%s': %s\n", path,
                strerror(-rc));
        return SHELL_STATUS_USAGE;
    }
    while ((e = ramfs_readdir(&dir)) != NULL) {
        struct ramfs_dirent *more = realloc(all, (n + 1) * sizeof(*all));

        if (!more) {
            free(all);
            fprintf(stderr, "ls: out of memory\n");
            return 1;
        }
        all = more;
        all[n++] = *e;
    }
    qsort(all, n, sizeof(*all), by_name);
    for (i = 0; i < n; i++)
        ls_entry(all[i].name, &all[i].node, lng);
    free(all);
    return 0;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* /tmp's files, in name order. */
static int ls_tmp(bool lng)
{
    const char *names[TMPFS_FILES];
    size_t n = 0;
    char path[RAMFS_PATH_MAX];
    long size;

    while (n < TMPFS_FILES && (names[n] = tmpfs_name((unsigned int)n)))
        n++;
    qsort(names, n, sizeof(names[0]), by_string);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), TMPFS_DIR "/%s", names[i]);
        if (tmpfs_stat(path, &size) == 0)
            ls_entry(names[i], &(struct ramfs_node){
                         .mode = S_IFREG | 0644, .size = (size_t)size }, lng);
    }
    return 0;
}

static int ls_path(const char *path, bool lng, bool heading)
{
    char norm[RAMFS_PATH_MAX];
    struct ramfs_node node;
    long size;
    int rc = ramfs_normalize(path, norm, sizeof(norm));

    if (rc == 0 && tmpfs_owns(norm)) {
        if ((rc = tmpfs_stat(norm, &size)) == 0 && size < 0) {
            if (heading)
                printf("%s:\n", path);
            return ls_tmp(lng);
        }
        if (rc == 0) {
            ls_entry(path, &(struct ramfs_node){ .mode = S_IFREG | 0644,
                                                 .size = (size_t)size }, lng);
            return 0;
        }
    } else if (rc == 0) {
        rc = ramfs_lookup(norm, &node);
    }

    if (rc < 0) {
        fprintf(stderr, "ls: cannot access '%s': %s\n", path, strerror(-rc));
        return SHELL_STATUS_USAGE;
    }
    if (!S_ISDIR(node.mode)) {
        ls_entry(path, &node, lng);
        return 0;
    }
    if (heading)
        printf("%s:\n", path);
    return ls_dir(path, lng);
}

static int cmd_ls(int argc, char **argv)
{
    bool lng = false;
    int i = 1, status = 0;

    if (argc > 1 && strcmp(argv[1], "-l") == 0) {
        lng = true;
        i++;
    }
    if (i == argc)
        return ls_path("/", lng, false);
    for (; i < argc; i++) {
        int rc = ls_path(argv[i], lng, argc - i > 1 || status);

        status = rc > status ? rc : status;
    }
    return status;
}

/* ---- cat ---------------------------------------------------------------- */

static int cat_stream(FILE *f);

static int cat_file(const char *path)
{
    FILE *f = fopen(path, "r");

    if (!f) {
        fprintf(stderr, "cat: %s: %s\n", path, strerror(errno));
        return 1;
    }
    cat_stream(f);
    fclose(f);
    return 0;
}

static int cat_stream(FILE *f)
{
    char buf[512];
    size_t n;

    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, n, stdout);
    return 0;
}

static int cmd_cat(int argc, char **argv)
{
    int i, status = 0;

    if (argc < 2 && shell_stdin())
        return cat_stream(shell_stdin());
    if (argc < 2)
        return usage(argv[0]);
    for (i = 1; i < argc; i++)
        if (cat_file(argv[i]) != 0)
            status = 1;
    return status;
}

static int cmd_rm(int argc, char **argv)
{
    int status = 0;

    if (argc < 2)
        return usage(argv[0]);
    for (int i = 1; i < argc; i++)
        if (remove(argv[i]) != 0) {
            fprintf(stderr, "rm: cannot remove '%s': %s\n", argv[i],
                    strerror(errno));
            status = 1;
        }
    return status;
}

/* ---- sleep, poweroff, reboot, xl ---------------------------------------- */

static int cmd_sleep(int argc, char **argv)
{
    char *end;
    double secs;

    if (argc != 2)
        return usage(argv[0]);
    secs = strtod(argv[1], &end);
    if (end == argv[1] || *end || !(secs >= 0 && secs < 1e9)) {
        fprintf(stderr, "sleep: invalid time interval '%s'\n", argv[1]);
        return 1;
    }
    dom0_idle(g_now_ns() + (uint64_t)(secs * G_NS_PER_SEC));
    return 0;
}

static int cmd_poweroff(int argc, char **argv)
{
    long status = 0;
    char *end;

    if (argc > 2)
        return usage(argv[0]);
    if (argc == 2) {
        status = strtol(argv[1], &end, 10);
        if (end == argv[1] || *end || status < 0 || status > 255) {
            fprintf(stderr, "poweroff: status must be 0..255\n");
            return SHELL_STATUS_USAGE;
        }
    }
    exit((int)status);          /* flushes stdio, then _exit -> g_exit */
}

static int cmd_reboot(int argc, char **argv)
{
    struct sched_shutdown s = { .reason = SHUTDOWN_reboot };
    long rc;

    if (argc > 1)
        return usage(argv[0]);
    printf("Rebooting.\n");
    fflush(stdout);
    rc = hc_sched_op(SCHEDOP_shutdown, &s);
    fprintf(stderr, "reboot: failed (%ld)\n", rc);
    return 1;
}

/* time CMD [ARG...]: run a command and print how long it took, as a
 * shell's time does: wall time only (dom0 has no user/system split), read
 * from the hypervisor's system time, to the microsecond, on stderr. */
static int cmd_time(int argc, char **argv)
{
    unsigned long long us;
    uint64_t start;
    int status;

    if (argc < 2)
        return usage(argv[0]);
    start = g_now_ns();
    status = shell_run_argv(argc - 1, argv + 1);
    us = (g_now_ns() - start) / G_NS_PER_US;
    fprintf(stderr, "real\t%llum%llu.%06llus\n", us / 60000000,
            us / 1000000 % 60, us % 1000000);
    return status;
}

static int cmd_xl(int argc, char **argv)
{
    return xl_main(argc, argv);
}

const struct shell_cmd shell_cmds[] = {
    { "help", cmd_help, "", "list the commands" },
    { "ls", cmd_ls, "[-l] [path...]", "list a directory of the ramdisk" },
    { "cat", cmd_cat, "[file...]", "print files (or what is piped in)" },
    { "echo", cmd_echo, "[-n] [word...]", "print the words" },
    { "grep", cmd_grep, "[-vicqnEF] pattern [file...]",
      "print the lines that match" },
    { "head", cmd_head, "[-n N] [file...]", "print the first lines" },
    { "tail", cmd_tail, "[-n [+]N] [file...]",
      "print the last lines (from line N on)" },
    { "wc", cmd_wc, "[-lwc] [file...]", "count lines, words and bytes" },
    { "rm", cmd_rm, "file...", "remove files of /tmp" },
    { "sleep", cmd_sleep, "seconds", "wait (fractions allowed)" },
    { "time", cmd_time, "command [args]",
      "run a command, then print its wall time" },
    { "poweroff", cmd_poweroff, "[status]",
      "power off; the status becomes the boot's exit status" },
    { "reboot", cmd_reboot, "", "restart the machine" },
    { "xl", cmd_xl, "command [args]", "manage domains ('xl help')" },
    { "xenstore-ls", cmd_xenstore_ls, "[-f] [-p] [path]",
      "list xenstore nodes below path as a tree" },
    { "xenstore-read", cmd_xenstore_read, "path...", "print xenstore values" },
    { "xenstore-write", cmd_xenstore_write, "path value...",
      "write xenstore values" },
    { "xenstore-rm", cmd_xenstore_rm, "path...", "remove xenstore nodes" },
    { "xenstore-chmod", cmd_xenstore_chmod, "[-r] [-u] path perm...",
      "set permissions (n/r/w/b<domid>, owner first; -r below too)" },
    { "xenstore-list", cmd_xenstore_list, "[-p] path...",
      "list the children of nodes" },
    { "xenstore-exists", cmd_xenstore_exists, "path...",
      "status 0 if the nodes exist" },
    { "xenstore-watch", cmd_xenstore_watch, "[-n N] path...",
      "print the paths of watch events (N of them; else until a key)" },
};
const size_t shell_nr_cmds = G_ARRAY_SIZE(shell_cmds);
