package io.tributary.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recording tap in front of the S3 stand-in (test scope): a loopback TCP proxy that forwards every byte unchanged (so
 * SigV4 signatures still verify at s3proxy) and reads the HTTP requests passing through, for a client that cannot carry
 * the SDK v2 call recorder (the Glue job's Hadoop S3A on SDK v1, in another JVM). Each request becomes the IAM action and
 * resource S3 authorizes it with ("Required permissions for Amazon S3 API operations",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html): GET/HEAD object → s3:GetObject,
 * PUT object and the multipart upload steps → s3:PutObject (a copy also s3:GetObject on its source), DELETE object and
 * DeleteObjects → s3:DeleteObject, AbortMultipartUpload → s3:AbortMultipartUpload, listing and HEAD bucket →
 * s3:ListBucket, ?location → s3:GetBucketLocation, ListMultipartUploads → s3:ListBucketMultipartUploads. Path-style
 * requests only (the job's default against an endpoint).
 */
public final class S3RequestTap implements AutoCloseable {

    /** One authorized action: the IAM action and the resource ARN. */
    public record Call(String action, String resource) {
    }

    private final ServerSocket server;
    private final URI upstream;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<String> unparsed = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private S3RequestTap(ServerSocket server, URI upstream) {
        this.server = server;
        this.upstream = upstream;
    }

    /** A tap on a free loopback port forwarding to {@code upstreamEndpoint} (http://127.0.0.1:port). */
    public static S3RequestTap start(String upstreamEndpoint) {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            S3RequestTap tap = new S3RequestTap(server, URI.create(upstreamEndpoint));
            Thread accept = new Thread(tap::acceptLoop, "s3-request-tap");
            accept.setDaemon(true);
            accept.start();
            return tap;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the S3 request tap", e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** The authorized actions so far, in request order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Requests the tap could not map to an action (a test should find none). */
    public List<String> unparsed() {
        return List.copyOf(unparsed);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket up = new Socket(upstream.getHost(), upstream.getPort());
                Thread down = new Thread(() -> pipe(up, client), "s3-request-tap-down");
                down.setDaemon(true);
                down.start();
                Thread in = new Thread(() -> requests(client, up), "s3-request-tap-up");
                in.setDaemon(true);
                in.start();
            } catch (IOException e) {
                if (!closed) {
                    unparsed.add("accept failed: " + e);
                }
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (from; to) {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // the other side closed
        }
    }

    /** Client → upstream: each request's head is read and recorded, then it and its body are forwarded unchanged. */
    private void requests(Socket client, Socket up) {
        try (client; up) {
            InputStream in = client.getInputStream();
            OutputStream out = up.getOutputStream();
            for (;;) {
                byte[] head = readHead(in);
                if (head == null) {
                    return;
                }
                out.write(head);
                out.flush();
                String text = new String(head, StandardCharsets.ISO_8859_1);
                String[] lines = text.split("\r\n");
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                    }
                }
                byte[] body = forwardBody(in, out, headers);
                record(lines[0], headers, body);
            }
        } catch (IOException e) {
            // the connection ended
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        return null;
    }

    /** Forwards the body (Content-Length or chunked) and returns it when it is small (DeleteObjects' key list). */
    private static byte[] forwardBody(InputStream in, OutputStream out, Map<String, String> headers) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            for (;;) {
                byte[] sizeLine = readLine(in);
                out.write(sizeLine);
                int size = Integer.parseInt(new String(sizeLine, StandardCharsets.ISO_8859_1).trim().split(";")[0], 16);
                copy(in, out, size + 2L, kept);
                if (size == 0) {
                    break;
                }
            }
        } else {
            copy(in, out, Long.parseLong(headers.getOrDefault("content-length", "0")), kept);
        }
        out.flush();
        return kept.toByteArray();
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.toByteArray();
    }

    private static void copy(InputStream in, OutputStream out, long n, ByteArrayOutputStream kept) throws IOException {
        byte[] buf = new byte[65536];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new IOException("request body ended early");
            }
            out.write(buf, 0, r);
            if (kept.size() < 1 << 20) {
                kept.write(buf, 0, r);
            }
            left -= r;
        }
    }

    private static final Pattern KEY = Pattern.compile("<Key>([^<]*)</Key>");

    private void record(String requestLine, Map<String, String> headers, byte[] body) {
        String[] parts = requestLine.split(" ");
        if (parts.length < 2) {
            unparsed.add(requestLine);
            return;
        }
        String method = parts[0];
        URI uri = URI.create(parts[1]);
        String path = uri.getRawPath() == null ? "/" : uri.getRawPath();
        Map<String, String> query = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String kv : uri.getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                query.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        int slash = trimmed.indexOf('/');
        String bucket = slash < 0 ? trimmed : trimmed.substring(0, slash);
        String key = slash < 0 ? "" : URLDecoder.decode(trimmed.substring(slash + 1), StandardCharsets.UTF_8);
        String bucketArn = "arn:aws:s3:::" + bucket;
        String objectArn = bucketArn + "/" + key;
        List<Call> out = new ArrayList<>();
        if (bucket.isEmpty()) {
            unparsed.add(requestLine);
            return;
        }
        if (key.isEmpty()) {
            if (method.equals("GET") && query.containsKey("location")) {
                out.add(new Call("s3:GetBucketLocation", bucketArn));
            } else if (method.equals("GET") && query.containsKey("uploads")) {
                out.add(new Call("s3:ListBucketMultipartUploads", bucketArn));
            } else if (method.equals("GET") || method.equals("HEAD")) {
                out.add(new Call("s3:ListBucket", bucketArn));
            } else if (method.equals("POST") && query.containsKey("delete")) {
                Matcher m = KEY.matcher(new String(body, StandardCharsets.UTF_8));
                while (m.find()) {
                    out.add(new Call("s3:DeleteObject", bucketArn + "/" + m.group(1).replace("&amp;", "&")));
                }
            } else {
                unparsed.add(requestLine);
            }
        } else {
            switch (method) {
                case "GET", "HEAD" -> out.add(new Call("s3:GetObject", objectArn));
                case "PUT" -> {
                    out.add(new Call("s3:PutObject", objectArn));
                    String source = headers.get("x-amz-copy-source");
                    if (source != null) {
                        String s = URLDecoder.decode(source, StandardCharsets.UTF_8);
                        out.add(new Call("s3:GetObject", "arn:aws:s3:::" + (s.startsWith("/") ? s.substring(1) : s).replaceFirst("\\?.*$", "")));
                    }
                }
                case "POST" -> out.add(new Call("s3:PutObject", objectArn)); // initiate or complete a multipart upload
                case "DELETE" -> out.add(new Call(query.containsKey("uploadId") ? "s3:AbortMultipartUpload" : "s3:DeleteObject", objectArn));
                default -> unparsed.add(requestLine);
            }
        }
        calls.addAll(out);
    }
}
