package io.shardview.entity.tenant;

import io.shardview.entity.CborSerializable;
import java.util.List;

/**
 * What one accepted write did to one view: the rows it gained and lost (a row of weight n appears
 * n times), the view's content hash after it, and the version of the view's previous change, so a
 * subscriber can tell a gap (a lost or not yet delivered message) from a version that simply did not
 * touch this view.
 *
 * @param previousVersion version of the change before this one for this view (its creation version
 *     for the first)
 */
public record ViewChange(
        String tenant,
        String view,
        long version,
        long previousVersion,
        List<String> columns,
        List<List<Object>> inserted,
        List<List<Object>> deleted,
        String hash)
        implements CborSerializable {

    public ViewChange {
        if (version <= previousVersion) {
            throw new IllegalArgumentException("version " + version + " must follow " + previousVersion);
        }
        columns = List.copyOf(columns);
        inserted = List.copyOf(inserted);
        deleted = List.copyOf(deleted);
    }

    /** Number of rows this change carries, inserted plus deleted. */
    public int rowCount() {
        return inserted.size() + deleted.size();
    }
}
