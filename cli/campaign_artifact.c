/*
 * Campaign artifacts: per case the statistics windows as CSV and JSON, and
 * a jitter histogram per RT-VCPU as a self-contained SVG (bars over the
 * buckets of VH_HIST_BOUNDS_NS, counts on a linear axis).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <vh/abi.h>

#include "campaign.h"

_Static_assert(VH_HIST_BUCKETS == CAMP_HIST_BUCKETS, "campaign histogram size follows the ABI");

static const uint64_t camp__bounds[VH_HIST_BUCKETS - 1] = VH_HIST_BOUNDS_NS;

void campaign_file_name(char *out, size_t cap, const char *name)
{
    size_t i = 0;
    for (; name[i] && i + 1 < cap; i++) {
        char ch = name[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '-' || ch == '_' || ch == '.';
        out[i] = ok && !(i == 0 && ch == '.') ? ch : '_';
    }
    out[i] = 0;
}

int campaign_mkdirs(const char *path)
{
    char tmp[1024];
    snprintf(tmp, sizeof(tmp), "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(tmp, 0755) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

void campaign_xml_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                fputc(' ', f);
            else
                fputc(*s, f);
        }
    }
}

static void camp__json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", (unsigned char)*s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static void camp__csv(FILE *f, const char *target, const char *cs, const struct camp_window *w,
                      size_t nw)
{
    fputs("target,case,step,window_ns,samples,vcpu,cpu,releases,misses,overruns,"
          "jitter_min_ns,jitter_avg_ns,jitter_max_ns,jitter_sd_ns", f);
    for (int k = 0; k < VH_HIST_BUCKETS; k++)
        fprintf(f, ",hist%d", k);
    fputc('\n', f);
    for (size_t i = 0; i < nw; i++)
        for (size_t k = 0; k < w[i].nv; k++) {
            const struct camp_vstat *v = &w[i].v[k];
            fprintf(f, "%s,%s,%zu,%llu,%u,%u,%d,%llu,%llu,%llu,%.0f,%.1f,%.0f,%.1f", target, cs,
                    w[i].step + 1, (unsigned long long)w[i].window_ns, w[i].samples, v->vcpu_id,
                    v->cpu, (unsigned long long)v->releases, (unsigned long long)v->misses,
                    (unsigned long long)v->overruns, v->jit_min_ns, v->jit_avg_ns, v->jit_max_ns,
                    v->jit_sd_ns);
            for (int b = 0; b < VH_HIST_BUCKETS; b++)
                fprintf(f, ",%llu", (unsigned long long)v->hist[b]);
            fputc('\n', f);
        }
}

static void camp__json(FILE *f, const char *target, const char *cs, const struct camp_window *w,
                       size_t nw)
{
    fputs("{\"target\": ", f);
    camp__json_str(f, target);
    fputs(", \"case\": ", f);
    camp__json_str(f, cs);
    fputs(", \"hist_bounds_ns\": [", f);
    for (int b = 0; b < VH_HIST_BUCKETS - 1; b++)
        fprintf(f, "%s%llu", b ? ", " : "", (unsigned long long)camp__bounds[b]);
    fputs("], \"windows\": [", f);
    for (size_t i = 0; i < nw; i++) {
        fprintf(f, "%s\n  {\"step\": %zu, \"window_ns\": %llu, \"samples\": %u, \"vcpus\": [",
                i ? "," : "", w[i].step + 1, (unsigned long long)w[i].window_ns, w[i].samples);
        for (size_t k = 0; k < w[i].nv; k++) {
            const struct camp_vstat *v = &w[i].v[k];
            fprintf(f, "%s\n    {\"vcpu\": %u, \"cpu\": %d, \"releases\": %llu, \"misses\": %llu, "
                    "\"overruns\": %llu, \"jitter_min_ns\": %.0f, \"jitter_avg_ns\": %.1f, "
                    "\"jitter_max_ns\": %.0f, \"jitter_sd_ns\": %.1f, \"hist\": [",
                    k ? "," : "", v->vcpu_id, v->cpu, (unsigned long long)v->releases,
                    (unsigned long long)v->misses, (unsigned long long)v->overruns,
                    v->jit_min_ns, v->jit_avg_ns, v->jit_max_ns, v->jit_sd_ns);
            for (int b = 0; b < VH_HIST_BUCKETS; b++)
                fprintf(f, "%s%llu", b ? ", " : "", (unsigned long long)v->hist[b]);
            fputs("]}", f);
        }
        fputs("]}", f);
    }
    fputs("\n]}\n", f);
}

int campaign_write_stats(const char *dir, const char *target, const char *cs,
                         const struct camp_window *w, size_t nw)
{
    char path[1100];
    snprintf(path, sizeof(path), "%s/stats.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    camp__csv(f, target, cs, w, nw);
    fclose(f);
    snprintf(path, sizeof(path), "%s/stats.json", dir);
    if (!(f = fopen(path, "w")))
        return -1;
    camp__json(f, target, cs, w, nw);
    return fclose(f) ? -1 : 0;
}

static void camp__bucket_label(char *out, size_t cap, int b)
{
    uint64_t ns = b < VH_HIST_BUCKETS - 1 ? camp__bounds[b] : camp__bounds[VH_HIST_BUCKETS - 2];
    const char *pre = b < VH_HIST_BUCKETS - 1 ? "&lt;" : "&#8805;";
    if (ns >= 1000000)
        snprintf(out, cap, "%s%.3gms", pre, (double)ns / 1e6);
    else if (ns >= 1000)
        snprintf(out, cap, "%s%.3gus", pre, (double)ns / 1e3);
    else
        snprintf(out, cap, "%s%lluns", pre, (unsigned long long)ns);
}

int campaign_write_svg(const char *path, const char *title, const uint64_t *hist)
{
    const int W = 720, H = 320, L = 60, B = 260, T = 40, bw = (W - L - 20) / VH_HIST_BUCKETS;
    uint64_t max = 1, total = 0;
    for (int b = 0; b < VH_HIST_BUCKETS; b++) {
        max = hist[b] > max ? hist[b] : max;
        total += hist[b];
    }
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"%d\" y=\"20\" "
            "font-size=\"14\">", W, H, W, H, L);
    campaign_xml_escape(f, title);
    fprintf(f, " (%llu releases)</text>\n", (unsigned long long)total);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, B, W - 20, B);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, T, L, B);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%llu</text>\n", L - 4, T + 4,
            (unsigned long long)max);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", L - 4, B);
    for (int b = 0; b < VH_HIST_BUCKETS; b++) {
        int h = (int)((double)hist[b] / (double)max * (B - T));
        int x = L + 2 + b * bw;
        char label[32];
        camp__bucket_label(label, sizeof(label), b);
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#4a7ab8\">"
                "<title>%s: %llu</title></rect>\n", x, B - h, bw - 4, h, label,
                (unsigned long long)hist[b]);
        fprintf(f, "<text x=\"%d\" y=\"%d\" transform=\"rotate(45 %d %d)\">%s</text>\n",
                x + 2, B + 12, x + 2, B + 12, label);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">release jitter</text>\n</svg>\n",
            (L + W) / 2, H - 4);
    return fclose(f) ? -1 : 0;
}
