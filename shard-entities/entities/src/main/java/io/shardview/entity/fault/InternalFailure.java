package io.shardview.entity.fault;

/**
 * An entity answered that a bug failed its part of the request, already logged under {@code requestId}: the route
 * answers 500 with that id instead of logging the failure again.
 */
public final class InternalFailure extends RuntimeException {
    private final String requestId;

    public InternalFailure(String what, String requestId) {
        super(what + " failed with an internal error (request id " + requestId + ")", null, false, false);
        this.requestId = requestId;
    }

    /** The id the failure is logged under. */
    public String requestId() {
        return requestId;
    }
}
