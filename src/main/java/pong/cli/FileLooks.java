package pong.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says in a few words what a file that failed to load looks like ("it holds a -----BEGIN RSA PRIVATE
 * KEY----- block", "binary data, 1234 bytes"), so the error points at the mix-up. Never repeats key
 * material: only PEM labels and the start of text that has none.
 */
final class FileLooks {
    private static final int PEEK = 64 * 1024;
    private static final Pattern PEM_LABEL = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");

    private FileLooks() {
    }

    static String describe(Path file) {
        byte[] head;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(PEEK);
            size = Files.size(file);
        } catch (IOException e) {
            return "it cannot be read: " + e.getMessage();
        }
        return describe(head, size);
    }

    /** The same for bytes that did not come from a file of their own (a key's value, decoded). */
    static String describe(byte[] head, long size) {
        if (head.length == 0) return "the file is empty";
        if (head.length > PEEK) head = Arrays.copyOf(head, PEEK);
        String text = new String(head, StandardCharsets.ISO_8859_1);
        List<String> labels = new ArrayList<>();
        Matcher m = PEM_LABEL.matcher(text);
        while (m.find()) if (!labels.contains(m.group(1))) labels.add(m.group(1));
        if (!labels.isEmpty()) return "it holds PEM blocks: " + String.join(", ", labels);
        int binary = 0;
        for (byte b : head) if ((b < 0x20 && b != '\n' && b != '\r' && b != '\t') || b == 0x7f) binary++;
        if (binary > head.length / 20) {
            return "binary data, " + size + " bytes" + ((head[0] & 0xff) == 0x30 ? " (DER: a PKCS#12 keystore or a DER certificate/key?)" : "");
        }
        String first = text.strip().lines().findFirst().orElse("");
        if (first.length() > 40) first = first.substring(0, 40) + "...";
        return "text without a PEM block, starting with '" + first + "'";
    }
}
