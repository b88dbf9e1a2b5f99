package io.shardview.bench.fuzz;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Random;

/**
 * One parser as the HTTP fuzzer reaches it: seed inputs, dictionary tokens for the mutator, and the
 * request that carries a mutated input to the node (its body, or its query string).
 */
record FuzzTarget(String name, List<byte[]> seeds, List<byte[]> dictionary, RequestMaker requests) {
    /** Builds the request for mutated input number {@code index}. */
    interface RequestMaker {
        HttpRequest.Builder make(String baseUrl, byte[] input, long index, Random random) throws Exception;
    }
}
