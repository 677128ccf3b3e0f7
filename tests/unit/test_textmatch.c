/*
 * grep's matching (dom0/textmatch.c): basic and extended regular
 * expressions as POSIX grep reads them, plain strings, case.
 */
#include "../../dom0/textmatch.h"

#include "unit.h"

static bool m(const char *re, const char *text)
{
    struct textmatch p = { .re = re };

    return textmatch(&p, text);
}

static bool e(const char *re, const char *text)
{
    struct textmatch p = { .re = re, .extended = true };

    return textmatch(&p, text);
}

TEST(basic_expressions)
{
    CHECK(m("Domain", "Domain-0    0  256"));
    CHECK(!m("domain", "Domain-0"));
    CHECK(m("^Dom", "Domain-0"));
    CHECK(!m("^omain", "Domain-0"));
    CHECK(m("0$", "Domain-0"));
    CHECK(!m("-$", "Domain-0"));
    CHECK(m("^$", ""));
    CHECK(m("a.c", "xabcx"));
    CHECK(m("ab*c", "ac"));
    CHECK(m("ab*c", "abbbc"));
    CHECK(!m("^ab*c$", "abxc"));
    CHECK(m("[0-9][0-9]*", "id 42"));
    CHECK(!m("[0-9]", "no digits"));
    CHECK(m("[^a-z ]", "abc D"));
    CHECK(!m("^[^a-z]*$", "abc"));
    CHECK(m("[]x]", "]"));
    CHECK(m("a\\.b", "a.b"));
    CHECK(!m("a\\.b", "axb"));
    CHECK(m("a+", "a+"));               /* + is literal in BRE */
    CHECK(m("(x)", "(x)"));
    CHECK(m(".*", ""));
}

TEST(extended_expressions)
{
    CHECK(e("ab+c", "abbc"));
    CHECK(!e("ab+c", "ac"));
    CHECK(e("ab?c", "ac") && e("ab?c", "abc") && !e("^ab?c$", "abbc"));
    CHECK(e("^(xen_major|xen_minor) ", "xen_minor              : 17"));
    CHECK(!e("^(xen_major|xen_minor) ", "xen_version            : 4.17"));
    CHECK(e("hello|world", "say world"));
    CHECK(e("^(ab)+$", "ababab"));
    CHECK(!e("^(ab)+$", "ababa"));
    CHECK(e("^(a|b)*c$", "abbac"));
    CHECK(e("^x(y|)z$", "xz") && e("^x(y|)z$", "xyz"));
    CHECK(e("^(a*)*$", "aaa"));          /* an empty turn does not loop */
    CHECK(e("a{2}", "a{2}") && !e("a{2}", "aa"));   /* no bounds: literal */
}

TEST(fixed_strings_and_case)
{
    struct textmatch f = { .re = "a.b", .fixed = true };
    struct textmatch i = { .re = "^dom[a-z]*-0", .icase = true };
    struct textmatch fi = { .re = "XEN", .fixed = true, .icase = true };

    CHECK(textmatch(&f, "xa.by"));
    CHECK(!textmatch(&f, "axb"));
    CHECK(textmatch(&i, "DOMAIN-0"));
    CHECK(textmatch(&fi, "the xen console"));
}
