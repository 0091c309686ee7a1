package io.unlearn.kit.receipts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CanonicalJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldGiveTheSameFormWhateverTheKeyOrderAndWhitespaceOfTheInput() throws Exception {
        String one = "{\"b\": 1, \"a\": {\"y\": [3, 2.5, null], \"x\": \"t\"}, \"c\": true}";
        String other = "{\n  \"c\" : true,\n  \"a\" : {\"x\":\"t\",\"y\":[3,2.5,null]},\n  \"b\":1\n}";

        assertEquals("{\"a\":{\"x\":\"t\",\"y\":[3,2.5,null]},\"b\":1,\"c\":true}",
                CanonicalJson.string(JSON.readTree(one)));
        assertEquals(CanonicalJson.string(JSON.readTree(one)), CanonicalJson.string(JSON.readTree(other)));
    }

    @Test
    void shouldKeepArrayOrderAndTellNullFromAbsent() throws Exception {
        assertEquals("[2,1]", CanonicalJson.string(JSON.readTree("[2, 1]")));
        assertEquals("{\"a\":null}", CanonicalJson.string(JSON.readTree("{\"a\": null}")));
        assertEquals("{}", CanonicalJson.string(JSON.readTree("{}")));
    }

    @Test
    void shouldEscapeOnlyQuotesBackslashesAndControlCharacters() throws Exception {
        String text = "q\" b\\ nl\n tab\t é ✓ /";

        assertEquals("\"q\\\" b\\\\ nl\\u000a tab\\u0009 é ✓ /\"",
                CanonicalJson.string(JsonNodeFactory.instance.textNode(text)));
    }

    @Test
    void shouldWriteNumbersSoThatAParsedReceiptGivesTheSameBytes() throws Exception {
        // Given numbers as the registry writes them (doubles, longs) and as a verifier parses them back
        var node = JsonNodeFactory.instance.objectNode().put("margin", 0.1 + 0.2).put("tiny", 1e-5)
                .put("whole", 1.0).put("sequence", 12L);

        String written = CanonicalJson.string(node);

        assertEquals("{\"margin\":0.30000000000000004,\"sequence\":12,\"tiny\":1.0E-5,\"whole\":1.0}", written);
        assertEquals(written, CanonicalJson.string(JSON.readTree(JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(node))));
    }

    @Test
    void shouldRefuseNumbersJsonCannotHold() {
        assertThrows(IllegalArgumentException.class,
                () -> CanonicalJson.string(JsonNodeFactory.instance.numberNode(Double.NaN)));
    }
}
