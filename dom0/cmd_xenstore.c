/*
 * The shell's xenstore commands, as Xen's xenstore-* tools behave:
 *
 *   xenstore-ls [-f] [-p] [path]      the tree below path ("/"), one node
 *                                     a line, indented one space a level:
 *                                     name = "value"; -f full paths, -p
 *                                     permissions
 *   xenstore-read path...             each value on a line
 *   xenstore-write path value...      pairs
 *   xenstore-rm path...               nodes and what is below them
 *   xenstore-chmod [-r] [-u] path perm...
 *                                     permissions: n/r/w/b<domid>, owner
 *                                     first; -r also below path, -u also
 *                                     every node above it
 *   xenstore-list [-p] path...        the names of path's children (-p:
 *                                     with the path before each)
 *   xenstore-exists path...           status 0 if every path exists
 *   xenstore-watch [-n N] path...     the path of each event, N of them (the
 *                                     first comes at once); without -n until
 *                                     a key is pressed
 *
 * Non-printable bytes of values are shown as \ooo and '\' as "\\".
 * Status 0, 1 if an operation failed, 2 for a usage error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guest/guest.h>

#include "dom.h"
#include "shell.h"
#include "xen_errno.h"
#include "xsd.h"

/* Deep enough for any sensible tree; a frame is small, but not nothing. */
#define LS_DEPTH_MAX 256

static int usage(const char *text)
{
    fprintf(stderr, "usage: %s\n", text);
    return SHELL_STATUS_USAGE;
}

static void print_value(const char *v, int len)
{
    for (int i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)v[i];

        if (ch == '\\')
            fputs("\\\\", stdout);
        else if (ch >= ' ' && ch <= '~')
            putchar(ch);
        else
            printf("\\%03o", ch);
    }
}

struct ls_opts {
    bool full, perms;
    int status;
};

static void print_perms(const char *path)
{
    char buf[512];
    int n = xsd_get_perms(path, buf, sizeof(buf));

    if (n <= 0)
        return;
    fputs("  (", stdout);
    for (const char *p = buf; n--; p += strlen(p) + 1)
        printf("%s%s", p, n ? "," : "");
    putchar(')');
}

static void ls_line(const char *path, const char *name, int depth,
                    struct ls_opts *o)
{
    char *value = malloc(XENSTORE_PAYLOAD_MAX + 1);
    int len = value ? xsd_read(path, value, XENSTORE_PAYLOAD_MAX + 1) : -1;

    printf("%*s%s = \"", o->full ? 0 : depth, "", o->full ? path : name);
    if (len > 0)
        print_value(value, len);
    putchar('"');
    if (o->perms)
        print_perms(path);
    putchar('\n');
    free(value);
}

/* Print the children of path, and theirs. */
static void ls_tree(const char *path, int depth, struct ls_opts *o)
{
    char *names = malloc(XENSTORE_PAYLOAD_MAX + 1), *child;
    int n = names ? xsd_directory(path, names, XENSTORE_PAYLOAD_MAX + 1)
                  : -XEN_ENOMEM;

    if (n < 0 || depth >= LS_DEPTH_MAX) {
        fprintf(stderr, "xenstore-ls: %s: %s\n", path,
                n < 0 ? xsd_strerror(n) : "too deep, not listed");
        o->status = 1;
        free(names);
        return;
    }
    child = malloc(XENSTORE_ABS_PATH_MAX + 1);
    for (const char *name = names; child && n--; name += strlen(name) + 1) {
        snprintf(child, XENSTORE_ABS_PATH_MAX + 1, "%s/%s",
                 strcmp(path, "/") ? path : "", name);
        ls_line(child, name, depth, o);
        ls_tree(child, depth + 1, o);
    }
    free(child);
    free(names);
}

int cmd_xenstore_ls(int argc, char **argv)
{
    struct ls_opts o = { 0 };
    const char *path = NULL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-f") == 0)
            o.full = true;
        else if (strcmp(argv[i], "-p") == 0)
            o.perms = true;
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else
            return usage("xenstore-ls [-f] [-p] [path]");
    }
    ls_tree(path ? path : "/", 0, &o);
    fflush(stdout);
    return o.status;
}

int cmd_xenstore_read(int argc, char **argv)
{
    char *value = malloc(XENSTORE_PAYLOAD_MAX + 1);
    int status = 0;

    if (argc < 2) {
        free(value);
        return usage("xenstore-read path...");
    }
    for (int i = 1; value && i < argc; i++) {
        int len = xsd_read(argv[i], value, XENSTORE_PAYLOAD_MAX + 1);

        if (len < 0) {
            fprintf(stderr, "xenstore-read: couldn't read path %s (%s)\n",
                    argv[i], xsd_strerror(len));
            status = 1;
            continue;
        }
        print_value(value, len);
        putchar('\n');
    }
    free(value);
    return value ? status : 1;
}

int cmd_xenstore_write(int argc, char **argv)
{
    int status = 0;

    if (argc < 3 || argc % 2 == 0)
        return usage("xenstore-write path value [path value]...");
    for (int i = 1; i < argc; i += 2) {
        int rc = xsd_write(argv[i], argv[i + 1]);

        if (rc < 0) {
            fprintf(stderr, "xenstore-write: could not write path %s (%s)\n",
                    argv[i], xsd_strerror(rc));
            status = 1;
        }
    }
    return status;
}

int cmd_xenstore_rm(int argc, char **argv)
{
    int status = 0;

    if (argc < 2)
        return usage("xenstore-rm path...");
    for (int i = 1; i < argc; i++) {
        int rc = xsd_rm(argv[i]);

        if (rc < 0) {
            fprintf(stderr, "xenstore-rm: could not remove path %s (%s)\n",
                    argv[i], xsd_strerror(rc));
            status = 1;
        }
    }
    return status;
}

/* Set path's permissions, and with recurse those of every node below. */
static int chmod_tree(char *path, char **perms, int n, bool recurse)
{
    char *names, *child;
    int rc = xsd_set_perms(path, perms, n), count;

    if (rc < 0) {
        fprintf(stderr, "xenstore-chmod: could not set permissions of %s "
                "(%s)\n", path, xsd_strerror(rc));
        return 1;
    }
    if (!recurse)
        return 0;
    rc = 0;
    names = malloc(XENSTORE_PAYLOAD_MAX + 1);
    child = malloc(XENSTORE_ABS_PATH_MAX + 1);
    count = names && child ? xsd_directory(path, names,
                                           XENSTORE_PAYLOAD_MAX + 1) : -1;
    for (const char *name = names; count > 0 && !rc; count--,
         name += strlen(name) + 1) {
        snprintf(child, XENSTORE_ABS_PATH_MAX + 1, "%s/%s",
                 strcmp(path, "/") ? path : "", name);
        rc = chmod_tree(child, perms, n, true);
    }
    free(child);
    free(names);
    return rc;
}

int cmd_xenstore_chmod(int argc, char **argv)
{
    bool recurse = false, upto = false;
    char path[XENSTORE_ABS_PATH_MAX + 1];
    int i = 1, rc;

    for (; i < argc && argv[i][0] == '-'; i++)
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'r')
                recurse = true;
            else if (*o == 'u')
                upto = true;
            else
                return usage("xenstore-chmod [-r] [-u] path perm...");
        }
    if (argc - i < 2 || strlen(argv[i]) >= sizeof(path))
        return usage("xenstore-chmod [-r] [-u] path perm...");
    strcpy(path, argv[i]);
    if ((rc = chmod_tree(path, argv + i + 1, argc - i - 1, recurse)))
        return rc;
    /* -u: the same on every node above, as xenstore-chmod does. */
    for (char *slash; upto && (slash = strrchr(path, '/')) && slash > path;) {
        *slash = '\0';
        if ((rc = chmod_tree(path, argv + i + 1, argc - i - 1, false)))
            return rc;
    }
    return 0;
}

int cmd_xenstore_list(int argc, char **argv)
{
    char *names = malloc(XENSTORE_PAYLOAD_MAX + 1);
    bool prefix = argc > 1 && !strcmp(argv[1], "-p");
    int status = 0;

    if (argc < 2 + prefix) {
        free(names);
        return usage("xenstore-list [-p] path...");
    }
    for (int i = 1 + prefix; names && i < argc; i++) {
        int n = xsd_directory(argv[i], names, XENSTORE_PAYLOAD_MAX + 1);

        if (n < 0) {
            fprintf(stderr, "xenstore-list: could not list path %s (%s)\n",
                    argv[i], xsd_strerror(n));
            status = 1;
            continue;
        }
        for (const char *name = names; n--; name += strlen(name) + 1)
            printf("%s%s%s\n", prefix ? argv[i] : "", prefix ? "/" : "", name);
    }
    free(names);
    return names ? status : 1;
}

int cmd_xenstore_exists(int argc, char **argv)
{
    if (argc < 2)
        return usage("xenstore-exists path...");
    for (int i = 1; i < argc; i++)
        if (xsd_read(argv[i], NULL, 0) < 0)
            return 1;
    return 0;
}

/* ---- xenstore-watch ---- */

static unsigned long watch_events, watch_want;

static void on_watch(const char *path, const char *token, void *data)
{
    if (watch_want && watch_events >= watch_want)
        return;                         /* the rest of a batch: not asked */
    printf("%s\n", path);
    fflush(stdout);
    watch_events++;
}

static bool key_pressed(void)
{
    char c;

    return hc_console_io(CONSOLEIO_read, 1, &c) > 0;
}

int cmd_xenstore_watch(int argc, char **argv)
{
    unsigned long want = 0;
    int i = 1, rc = 0, watched = 0;
    char token[24];

    if (i + 1 < argc && !strcmp(argv[i], "-n")) {
        want = strtoul(argv[i + 1], NULL, 10);
        i += 2;
    }
    if (i >= argc)
        return usage("xenstore-watch [-n N] path...");
    watch_events = 0;
    watch_want = want;
    for (int k = i; k < argc && !rc; k++, watched++) {
        snprintf(token, sizeof(token), "shell-watch-%d", k);
        if ((rc = xsd_watch(argv[k], token, on_watch, NULL)) < 0)
            fprintf(stderr, "xenstore-watch: Unable to add watch on %s (%s)"
                    "\n", argv[k], xsd_strerror(rc));
    }
    while (!rc && (!want || watch_events < want) && !(!want && key_pressed()))
        dom0_idle_any();
    for (int k = i; k < i + watched; k++) {
        snprintf(token, sizeof(token), "shell-watch-%d", k);
        xsd_unwatch(argv[k], token);
    }
    return rc ? 1 : 0;
}
