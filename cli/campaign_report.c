/*
 * Campaign reports from the collected results: JUnit XML (a testsuite per
 * target, a testcase per case), TAP version 13 (one line per target and
 * case, a YAML block with the message for those not ok), LAVA test case
 * signals on stdout, and a summary page (Markdown and HTML) linking each
 * case's artifacts.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"

static void camp__count(const struct campaign *c, const struct camp_target_result *tr, size_t t,
                        unsigned *fail, unsigned *err, double *secs)
{
    *fail = *err = 0;
    *secs = 0;
    for (size_t i = 0; i < c->ncases; i++) {
        const struct camp_case_result *r = &tr[t].cases[i];
        *fail += r->result == CAMP_FAIL;
        *err += r->result == CAMP_ERROR;
        *secs += (double)r->duration_ns / 1e9;
    }
}

int campaign_write_junit(const struct campaign *c, const struct camp_target_result *tr,
                         const char *path)
{
    FILE *f = fopen(path, "w");
    unsigned tf = 0, te = 0;
    double ts = 0;
    if (!f)
        return -1;
    for (size_t t = 0; t < c->ntargets; t++) {
        unsigned fl, er;
        double s;
        camp__count(c, tr, t, &fl, &er, &s);
        tf += fl, te += er, ts += s;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f);
    campaign_xml_escape(f, c->name);
    fprintf(f, "\" tests=\"%zu\" failures=\"%u\" errors=\"%u\" time=\"%.3f\">\n",
            c->ntargets * c->ncases, tf, te, ts);
    for (size_t t = 0; t < c->ntargets; t++) {
        unsigned fl, er;
        double s;
        camp__count(c, tr, t, &fl, &er, &s);
        fputs("  <testsuite name=\"", f);
        campaign_xml_escape(f, c->targets[t].name);
        fprintf(f, "\" tests=\"%zu\" failures=\"%u\" errors=\"%u\" skipped=\"0\" time=\"%.3f\">\n",
                c->ncases, fl, er, s);
        for (size_t i = 0; i < c->ncases; i++) {
            const struct camp_case_result *r = &tr[t].cases[i];
            fputs("    <testcase classname=\"", f);
            campaign_xml_escape(f, c->name);
            fputc('.', f);
            campaign_xml_escape(f, c->targets[t].name);
            fputs("\" name=\"", f);
            campaign_xml_escape(f, c->cases[i].name);
            fprintf(f, "\" time=\"%.3f\"", (double)r->duration_ns / 1e9);
            if (r->result == CAMP_PASS) {
                fputs("/>\n", f);
                continue;
            }
            const char *tag = r->result == CAMP_FAIL ? "failure" : "error";
            fprintf(f, ">\n      <%s type=\"%s\" message=\"", tag,
                    r->result == CAMP_FAIL ? "assertion" : "error");
            campaign_xml_escape(f, r->message);
            fputs("\">", f);
            campaign_xml_escape(f, r->message);
            fprintf(f, "</%s>\n    </testcase>\n", tag);
        }
        fputs("  </testsuite>\n", f);
    }
    fputs("</testsuites>\n", f);
    return fclose(f) ? -1 : 0;
}

/* TAP descriptions must not hold '#' (a directive) or a newline. */
static void camp__tap_text(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s == '#' || *s == '\n' ? ' ' : *s, f);
}

static void camp__yaml_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
    }
    fputc('"', f);
}

int campaign_write_tap(const struct campaign *c, const struct camp_target_result *tr,
                       const char *path)
{
    FILE *f = fopen(path, "w");
    unsigned n = 0;
    if (!f)
        return -1;
    fprintf(f, "TAP version 13\n1..%zu\n", c->ntargets * c->ncases);
    for (size_t t = 0; t < c->ntargets; t++)
        for (size_t i = 0; i < c->ncases; i++) {
            const struct camp_case_result *r = &tr[t].cases[i];
            fprintf(f, "%s %u - ", r->result == CAMP_PASS ? "ok" : "not ok", ++n);
            camp__tap_text(f, c->targets[t].name);
            fputs(": ", f);
            camp__tap_text(f, c->cases[i].name);
            fputc('\n', f);
            if (r->result == CAMP_PASS)
                continue;
            fputs("  ---\n  message: ", f);
            camp__yaml_str(f, r->message);
            fprintf(f, "\n  severity: %s\n  duration_ms: %.0f\n", r->result == CAMP_FAIL ? "fail" : "error",
                    (double)r->duration_ns / 1e6);
            if (r->has_measure)
                fprintf(f, "  measured: %g\n  units: \"%s\"\n", r->measure, r->units);
            fputs("  ...\n", f);
        }
    return fclose(f) ? -1 : 0;
}

/* LAVA ids: no spaces or '=' or '>'. */
static void camp__lava_id(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s == ' ' || *s == '=' || *s == '>' || *s == '<' ? '_' : *s, f);
}

void campaign_print_lava(const struct campaign *c, const struct camp_target_result *tr, FILE *f)
{
    for (size_t t = 0; t < c->ntargets; t++) {
        fputs("<LAVA_SIGNAL_TESTSET START ", f);
        camp__lava_id(f, c->targets[t].name);
        fputs(">\n", f);
        for (size_t i = 0; i < c->ncases; i++) {
            const struct camp_case_result *r = &tr[t].cases[i];
            fputs("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=", f);
            camp__lava_id(f, c->cases[i].name);
            fprintf(f, " RESULT=%s", r->result == CAMP_PASS ? "pass" : "fail");
            if (r->has_measure)
                fprintf(f, " MEASUREMENT=%g UNITS=%s", r->measure, r->units[0] ? r->units : "count");
            fputs(">\n", f);
        }
        fputs("<LAVA_SIGNAL_TESTSET STOP>\n", f);
    }
    fflush(f);
}

static int camp__cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The artifacts of one case, as links (relative to the summary). */
static void camp__links(FILE *f, const char *out, const char *t, const char *cs, int html)
{
    char tn[CAMP_NAME_MAX], cn[CAMP_NAME_MAX], dir[1200];
    campaign_file_name(tn, sizeof(tn), t);
    campaign_file_name(cn, sizeof(cn), cs);
    snprintf(dir, sizeof(dir), "%s/%s/%s", out, tn, cn);
    DIR *d = opendir(dir);
    struct dirent *e;
    char names[32][128];
    int n = 0;
    while (d && (e = readdir(d)) && n < 32)
        if (e->d_name[0] != '.')
            snprintf(names[n++], sizeof(names[0]), "%.120s", e->d_name);
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), camp__cmp);
    for (int i = 0; i < n; i++) {
        if (html)
            fprintf(f, "%s<a href=\"%s/%s/%s\">%s</a>", i ? ", " : "", tn, cn, names[i], names[i]);
        else
            fprintf(f, "%s[%s](%s/%s/%s)", i ? ", " : "", names[i], tn, cn, names[i]);
    }
}

static void camp__md_cell(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s == '|' ? '/' : *s == '\n' ? ' ' : *s, f);
}

static int camp__summary_md(const struct campaign *c, const struct camp_target_result *tr,
                            const char *dir)
{
    char path[1100];
    snprintf(path, sizeof(path), "%s/summary.md", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "# Campaign %s\n\nFile: `%s`. Reports: [JUnit](junit.xml), [TAP](results.tap).\n",
            c->name, c->file);
    for (size_t t = 0; t < c->ntargets; t++) {
        unsigned fl, er;
        double s;
        camp__count(c, tr, t, &fl, &er, &s);
        fprintf(f, "\n## %s: %zu passed, %u failed, %u errors (%.1fs)\n\n| case | result | "
                "time | message | artifacts |\n|---|---|---|---|---|\n", c->targets[t].name,
                c->ncases - fl - er, fl, er, s);
        for (size_t i = 0; i < c->ncases; i++) {
            const struct camp_case_result *r = &tr[t].cases[i];
            fprintf(f, "| %s | %s | %.2fs | ", c->cases[i].name, campaign_result_name(r->result),
                    (double)r->duration_ns / 1e9);
            camp__md_cell(f, r->message);
            fputs(" | ", f);
            camp__links(f, dir, c->targets[t].name, c->cases[i].name, 0);
            fputs(" |\n", f);
        }
    }
    return fclose(f) ? -1 : 0;
}

static int camp__summary_html(const struct campaign *c, const struct camp_target_result *tr,
                              const char *dir)
{
    static const char *const colour[] = {"#d4f4d4", "#f8d0d0", "#f8e4c0"};
    char path[1100];
    snprintf(path, sizeof(path), "%s/summary.html", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>Campaign ", f);
    campaign_xml_escape(f, c->name);
    fputs("</title><style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:3px 6px}"
          "table{border-collapse:collapse}</style></head><body>\n<h1>Campaign ", f);
    campaign_xml_escape(f, c->name);
    fputs("</h1>\n<p>Reports: <a href=\"junit.xml\">JUnit</a>, <a href=\"results.tap\">TAP</a></p>\n", f);
    for (size_t t = 0; t < c->ntargets; t++) {
        fputs("<h2>", f);
        campaign_xml_escape(f, c->targets[t].name);
        fputs("</h2>\n<table><tr><th>case</th><th>result</th><th>time</th><th>message</th>"
              "<th>artifacts</th></tr>\n", f);
        for (size_t i = 0; i < c->ncases; i++) {
            const struct camp_case_result *r = &tr[t].cases[i];
            fputs("<tr><td>", f);
            campaign_xml_escape(f, c->cases[i].name);
            fprintf(f, "</td><td style=\"background:%s\">%s</td><td>%.2fs</td><td>",
                    colour[r->result], campaign_result_name(r->result),
                    (double)r->duration_ns / 1e9);
            campaign_xml_escape(f, r->message);
            fputs("</td><td>", f);
            camp__links(f, dir, c->targets[t].name, c->cases[i].name, 1);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    fputs("</body></html>\n", f);
    return fclose(f) ? -1 : 0;
}

int campaign_write_summary(const struct campaign *c, const struct camp_target_result *tr,
                           const char *dir)
{
    return camp__summary_md(c, tr, dir) | camp__summary_html(c, tr, dir);
}
