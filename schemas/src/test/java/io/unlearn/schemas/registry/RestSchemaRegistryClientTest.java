package io.unlearn.schemas.registry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestSchemaRegistryClientTest {

    @Test
    void shouldDropTrailingSlashesFromTheBaseUrl() {
        assertEquals("http://127.0.0.1:8080/apis/ccompat/v7",
                new RestSchemaRegistryClient("http://127.0.0.1:8080/apis/ccompat/v7//").baseUrl());
    }

    @Test
    void shouldRejectAUrlWithoutHttpSchemeAndShowAnExample() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RestSchemaRegistryClient("localhost:8081"));
        assertTrue(e.getMessage().contains("'localhost:8081' must be http(s)://host"), e.getMessage());
    }

    @Test
    void shouldRejectNegativeRetriesAndNonPositiveTimeouts() {
        RestSchemaRegistryClient.Builder builder = RestSchemaRegistryClient.builder("http://localhost:8081");
        assertThrows(IllegalArgumentException.class, () -> builder.retries(-1, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> builder.requestTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> builder.connectTimeout(Duration.ofSeconds(-1)));
    }
}
