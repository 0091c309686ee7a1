package io.unlearn.unlearning.internal.methods;

import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.internal.train.ChildModels;
import io.unlearn.unlearning.internal.model.ClassifierModel;
import io.unlearn.unlearning.internal.model.DkvbModel;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.function.Supplier;

/** Checks that a handle is of the family a method supports. */
final class Networks {

    private Networks() {
    }

    /** Accepts both families of {@link ClassifierModel}: {@code classifier} and {@code torchscript_classifier}. */
    static ClassifierModel classifier(ModelHandle handle, MethodSpec method) {
        if (handle instanceof ClassifierModel c) {
            return c;
        }
        throw new UnlearningException(method.id() + " unlearns classifier and torchscript_classifier models, but the"
                + " parent is a " + handle.family().id() + " model; use dkvb for dkvb_classifier models");
    }

    /** See {@link ChildModels#closeOnFailure}. */
    static UnlearningResult closeOnFailure(ModelHandle child, Supplier<UnlearningResult> body) {
        return ChildModels.closeOnFailure(child, body);
    }

    static DkvbModel dkvb(ModelHandle handle) {
        if (handle instanceof DkvbModel d) {
            return d;
        }
        throw new UnlearningException("dkvb unlearns dkvb_classifier models, but the parent is a "
                + handle.family().id() + " model; build one with Unlearning.trainDkvb");
    }
}
