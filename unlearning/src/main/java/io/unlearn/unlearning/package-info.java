/** The ML core shared by the unlearn worker and the verifier: data, model families, unlearning methods and metrics on DJL, with no Kafka. */
package io.unlearn.unlearning;
