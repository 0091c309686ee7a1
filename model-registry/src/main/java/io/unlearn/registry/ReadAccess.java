package io.unlearn.registry;

import java.util.Locale;

/** Who may read the registry's REST API ({@code http.auth.reads}); writes always need the token. */
public enum ReadAccess {
    /** Anyone who reaches the API may read. */
    OPEN("open"),
    /** Every read but {@code GET /health} needs the bearer token. */
    TOKEN("token");

    private final String value;

    ReadAccess(String value) {
        this.value = value;
    }

    /** The setting's spelling. */
    public String value() {
        return value;
    }

    /** @throws IllegalArgumentException naming the valid values */
    public static ReadAccess parse(String value) {
        for (ReadAccess access : values()) {
            if (access.value.equals(value.trim().toLowerCase(Locale.ROOT))) {
                return access;
            }
        }
        throw new IllegalArgumentException("http.auth.reads=" + value + ": must be open or token");
    }
}
