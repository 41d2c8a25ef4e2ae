package io.tributary.event;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Normalised fields of the event: device type, ISO country code, URL host and path. */
public final class Normalizer {

    private static final Map<String, String> DEVICE_TYPES = Map.ofEntries(
            Map.entry("desktop", "desktop"), Map.entry("pc", "desktop"), Map.entry("computer", "desktop"),
            Map.entry("laptop", "desktop"), Map.entry("web", "desktop"),
            Map.entry("mobile", "mobile"), Map.entry("phone", "mobile"), Map.entry("smartphone", "mobile"),
            Map.entry("android", "mobile"), Map.entry("iphone", "mobile"), Map.entry("ios", "mobile"),
            Map.entry("tablet", "tablet"), Map.entry("ipad", "tablet"));

    private final Map<String, String> countries = new HashMap<>();

    public Normalizer() {
        for (String alpha2 : Locale.getISOCountries()) {
            Locale l = new Locale("", alpha2);
            countries.put(alpha2, alpha2);
            countries.put(l.getISO3Country(), alpha2);
            countries.put(l.getDisplayCountry(Locale.ENGLISH).toUpperCase(Locale.ROOT), alpha2);
        }
        countries.put("UK", "GB");
        countries.put("USA", "US");
        countries.put("UNITED STATES OF AMERICA", "US");
    }

    /** desktop, mobile, tablet, other (an unknown value), or unknown (absent). */
    public String deviceType(String raw) {
        if (raw == null || raw.isBlank()) {
            return "unknown";
        }
        return DEVICE_TYPES.getOrDefault(raw.trim().toLowerCase(Locale.ROOT), "other");
    }

    /** Upper-case ISO 3166-1 alpha-2 from an alpha-2, alpha-3 or English name; null when not recognised. */
    public String country(String raw) {
        if (raw == null) {
            return null;
        }
        return countries.get(raw.trim().toUpperCase(Locale.ROOT));
    }

    /** Lower-case host of an absolute URL, or null. */
    public static String urlHost(String url) {
        int start = authorityStart(url);
        if (start < 0) {
            return null;
        }
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        int colon = authority.startsWith("[") ? authority.indexOf("]:") + 1 : authority.lastIndexOf(':');
        if (colon > 0) {
            authority = authority.substring(0, colon);
        }
        return authority.isEmpty() ? null : authority.toLowerCase(Locale.ROOT);
    }

    /** Path of a URL ("/" when an absolute URL has none), without query or fragment; null when absent. */
    public static String urlPath(String url) {
        int start = authorityStart(url);
        if (start < 0) {
            start = 0;
        } else {
            while (start < url.length() && "/?#".indexOf(url.charAt(start)) < 0) {
                start++;
            }
        }
        int end = start;
        while (end < url.length() && url.charAt(end) != '?' && url.charAt(end) != '#') {
            end++;
        }
        String path = url.substring(start, end);
        return path.isEmpty() ? (start > 0 ? "/" : null) : path;
    }

    private static int authorityStart(String url) {
        int scheme = url.indexOf("://");
        return scheme < 0 ? -1 : scheme + 3;
    }
}
