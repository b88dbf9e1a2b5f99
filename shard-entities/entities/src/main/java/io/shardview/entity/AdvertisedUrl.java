package io.shardview.entity;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The URL at which clients reach this node's HTTP API, as the node tells them (the {@code Shardview-Tenant-Node}
 * header of an ingest answer names the node that runs the tenant, docs/api.md): {@code shardview.http.advertised-url},
 * or else the address HTTP is bound to. Unknown (null) until the node has bound its HTTP port, which it does after
 * its entities can already run.
 */
public final class AdvertisedUrl implements Extension {
    private volatile String url;

    private static final ExtensionId<AdvertisedUrl> ID = new ExtensionId<>() {
        @Override
        public AdvertisedUrl createExtension(ActorSystem<?> system) {
            return new AdvertisedUrl();
        }
    };

    public static AdvertisedUrl get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** This node's URL, or null before HTTP is bound. */
    public String url() {
        return url;
    }

    /** Set once the node listens. */
    public void set(String url) {
        this.url = url;
    }
}
