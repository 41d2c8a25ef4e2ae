package io.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the default of a number variable from the project's Terraform, so a test runs with what a deployment gets
 *  (for example the event source mapping's retry settings). Only the simple form: {@code default = <integer>}. */
public final class TerraformDefaults {

    private TerraformDefaults() {
    }

    /** The default of {@code variable "name"} in {@code file} (relative to the project directory). */
    public static long number(String file, String name) {
        String src;
        try {
            src = Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = src.indexOf("variable \"" + name + "\" {");
        if (start < 0) {
            throw new IllegalArgumentException(file + " declares no variable \"" + name + "\"");
        }
        int end = src.indexOf("\nvariable \"", start + 1);
        String block = src.substring(start, end < 0 ? src.length() : end);
        Matcher m = Pattern.compile("(?m)^\\s+default\\s*=\\s*(-?\\d+)\\s*$").matcher(block);
        if (!m.find()) {
            throw new IllegalArgumentException("variable \"" + name + "\" in " + file + " has no integer default");
        }
        return Long.parseLong(m.group(1));
    }
}
