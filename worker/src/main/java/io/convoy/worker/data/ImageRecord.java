package io.convoy.worker.data;

import java.io.Serializable;

/**
 * One labelled image as it travels through Spark: 8-bit pixels in channels-height-width order.
 *
 * @param id    position of the record in its split, unique within the split
 * @param label class index
 */
public record ImageRecord(long id, int label, byte[] pixels) implements Serializable {
}
