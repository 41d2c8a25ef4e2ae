package io.tributary.sealing;

import java.time.Instant;

/** What one listing of a raw hour's prefix found: how many objects, and the newest write (S3's own clock) and its key. */
public record RawListing(int objects, Instant lastModified, String newestKey) {

    /** A later listing shows an object written or rewritten since this one: more objects, or a newer write. */
    public boolean grewSince(RawListing earlier) {
        return objects > earlier.objects
                || (lastModified != null && (earlier.lastModified == null || lastModified.isAfter(earlier.lastModified)));
    }
}
