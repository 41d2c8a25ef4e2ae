package io.tributary.sealing;

import java.util.Locale;

/**
 * An hour as an operator sees it: raw data not sealed (open), sealed and waiting for its Glue run (sealed), run in flight
 * (curating), curated and not rolled up yet (curated), rolled up into Redshift (rolled_up), or failed (Glue or rollup).
 */
public enum LakeState {
    OPEN, SEALED, CURATING, CURATED, ROLLED_UP, FAILED;

    /** The API's name: lower case, {@code rolled_up}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
