package io.tessera.kernel.testbundle.hello;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The bundle's own response type: serialised by the kernel's Jackson, so the leak test covers
 * Jackson's type caches holding bundle classes.
 */
@JsonPropertyOrder({"message", "name", "cluster"})
public class Greeting {

    private final String message;
    private final String name;
    private final String cluster;

    public Greeting(String message, String name, String cluster) {
        this.message = message;
        this.name = name;
        this.cluster = cluster;
    }

    @JsonProperty("message")
    public String message() {
        return message;
    }

    @JsonProperty("name")
    public String name() {
        return name;
    }

    @JsonProperty("cluster")
    public String cluster() {
        return cluster;
    }
}
