/*
 * grep's line matching (see textmatch.h).
 */
#define _GNU_SOURCE         /* strcasestr */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "textmatch.h"

static bool same(char a, char b, bool icase)
{
    return icase ? tolower((unsigned char)a) == tolower((unsigned char)b)
                 : a == b;
}

/* The length of the atom at re: a character, an escape, . or [...]. */
static size_t atom_len(const char *re)
{
    const char *p = re;

    if (*p == '\\' && p[1])
        return 2;
    if (*p != '[')
        return 1;
    p += 1 + (p[1] == '^');
    p += *p == ']';                     /* "[]...]" holds a ']' */
    while (*p && *p != ']')
        p++;
    return *p ? (size_t)(p - re) + 1 : 1;
}

static bool in_range(char c, char lo, char hi, bool icase)
{
    char l = (char)tolower((unsigned char)c), u = (char)toupper((unsigned char)c);

    return (c >= lo && c <= hi) ||
           (icase && ((l >= lo && l <= hi) || (u >= lo && u <= hi)));
}

static bool class_has(const char *re, size_t len, char c, bool icase)
{
    bool neg = re[1] == '^', in = false;
    const char *p = re + 1 + neg, *end = re + len - 1;

    for (bool first = true; p < end; first = false) {
        if (p + 2 < end && p[1] == '-' && !(first && *p == ']')) {
            in |= in_range(c, p[0], p[2], icase);
            p += 3;
        } else {
            in |= same(*p++, c, icase);
        }
    }
    return in != neg;
}

static bool atom_matches(const char *re, size_t len, char c, bool icase)
{
    if (!c)
        return false;
    if (*re == '.')
        return true;
    if (*re == '[' && len > 1)
        return class_has(re, len, c, icase);
    return same(re[len - 1], c, icase);
}

/* Where the group opened at re closes (or end if it does not). */
static const char *group_close(const char *re, const char *end)
{
    int depth = 0;

    for (; re < end; re += atom_len(re)) {
        depth += *re == '(';
        if (*re == ')' && --depth == 0)
            return re;
    }
    return end;
}

/* The end of the alternative starting at re, within [re, end). */
static const char *alt_end(const char *re, const char *end)
{
    for (; re < end && *re != '|'; re += atom_len(re))
        if (*re == '(')
            re = group_close(re, end);
    return re < end ? re : end;
}

/*
 * What must match after the piece being matched: the rest of a sequence
 * (re to end, then next), or -- after a turn of a group's body -- the
 * group again (its body re to end, its quantifier, the turns done, where
 * the turn began, and next after the group).
 */
struct cont {
    bool again;
    const char *re, *end;
    char quant;                         /* the group's *, + or ?, or 0 */
    unsigned int turns;
    const char *from;
    const struct cont *next;
};

static bool seq(const struct textmatch *p, const char *re, const char *end,
                const struct cont *k, const char *text);
static bool group(const struct textmatch *p, const struct cont *g,
                  const char *text);

static bool done(const struct textmatch *p, const struct cont *k,
                 const char *text)
{
    struct cont more;

    if (!k)
        return true;
    if (!k->again)
        return seq(p, k->re, k->end, k->next, text);
    if (text == k->from)                /* an empty turn: do not loop */
        return done(p, k->next, text);
    more = *k;
    more.turns++;
    return group(p, &more, text);
}

/* A group: its body's alternatives, as often as its quantifier allows,
 * then what follows it. */
static bool group(const struct textmatch *p, const struct cont *g,
                  const char *text)
{
    char q = g->quant;
    bool may_go = q == '*' || q == '+' || g->turns == 0;
    bool may_stop = q == '*' || q == '?' || g->turns >= 1;
    struct cont again = *g;

    again.again = true;
    again.from = text;
    for (const char *a = g->re; may_go && a <= g->end; ) {
        const char *e = alt_end(a, g->end);

        if (seq(p, a, e, &again, text))
            return true;
        a = e + 1;
    }
    return may_stop && done(p, g->next, text);
}

/* The atom at re repeated between min and max times, then the rest. */
static bool repeat(const struct textmatch *p, const char *re, size_t len,
                   unsigned int min, unsigned int max, const char *rest,
                   const char *end, const struct cont *k, const char *text)
{
    const char *t = text;

    while ((unsigned int)(t - text) < max &&
           atom_matches(re, len, *t, p->icase))
        t++;
    for (; t >= text + min; t--)
        if (seq(p, rest, end, k, t))
            return true;
    return false;
}

static bool quantifier(const struct textmatch *p, char q)
{
    return q == '*' || (p->extended && (q == '+' || q == '?'));
}

static bool seq(const struct textmatch *p, const char *re, const char *end,
                const struct cont *k, const char *text)
{
    size_t len;
    char q;

    if (re == end)
        return done(p, k, text);
    if (*re == '^')
        return text == p->line && seq(p, re + 1, end, k, text);
    if (*re == '$' && re + 1 == end)
        return !*text && done(p, k, text);
    if (p->extended && *re == '(') {
        const char *close = group_close(re, end);
        const char *after = close < end ? close + 1 : end;
        char gq = after < end && quantifier(p, *after) ? *after : 0;
        struct cont rest = { .re = after + (gq != 0), .end = end, .next = k };
        struct cont g = { .re = re + 1, .end = close, .quant = gq,
                          .next = &rest };

        return group(p, &g, text);
    }
    len = atom_len(re);
    q = re + len < end ? re[len] : '\0';
    if (quantifier(p, q))
        return repeat(p, re, len, q == '+', q == '?' ? 1 : ~0u,
                      re + len + 1, end, k, text);
    return atom_matches(re, len, *text, p->icase) &&
           seq(p, re + len, end, k, text + 1);
}

/* The whole pattern is a group taken once: its alternatives (-E). */
bool textmatch(struct textmatch *p, const char *text)
{
    struct cont all = { .re = p->re, .end = p->re + strlen(p->re) };

    if (p->fixed)
        return p->icase ? strcasestr(text, p->re) != NULL
                        : strstr(text, p->re) != NULL;
    p->line = text;
    do
        if (p->extended ? group(p, &all, text)
                        : seq(p, all.re, all.end, NULL, text))
            return true;
    while (*text++);
    return false;
}
