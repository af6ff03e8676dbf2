package io.convoy.worker.data.folder;

import java.io.Serializable;

/** One image file of a class-per-folder tree: its Hadoop path, class index, record id and size in bytes. */
public record ImageFile(String path, int label, long id, long bytes) implements Serializable {
}
