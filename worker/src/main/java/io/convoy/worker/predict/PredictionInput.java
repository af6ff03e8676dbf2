package io.convoy.worker.predict;

import io.convoy.worker.data.ImageRecord;
import java.io.Serializable;

/**
 * An input of {@code convoy predict} on its way to the network: evaluation-ready pixels of the run's stored shape.
 *
 * @param name   what the output calls it: the image file's path, or {@code source#record-id}
 * @param record the pixels; its label is the true class for records of a data set, -1 for image files
 */
public record PredictionInput(String name, ImageRecord record) implements Serializable {
}
