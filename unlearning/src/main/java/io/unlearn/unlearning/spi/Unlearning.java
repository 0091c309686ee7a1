package io.unlearn.unlearning.spi;

import io.unlearn.catalog.families.Classifiers;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.Classifiers;
import io.unlearn.unlearning.internal.families.Implementations;

import io.unlearn.unlearning.errors.UnlearningException;
import ai.djl.engine.Engine;
import io.unlearn.unlearning.internal.data.DatasetNames;
import io.unlearn.unlearning.internal.data.FashionMnist;
import io.unlearn.unlearning.internal.methods.ContrastiveUnlearning;
import io.unlearn.unlearning.internal.methods.DkvbUnlearning;
import io.unlearn.unlearning.internal.methods.FineTune;
import io.unlearn.unlearning.internal.methods.NegGradPlus;
import io.unlearn.unlearning.internal.methods.Retrain;
import io.unlearn.unlearning.internal.model.ClassifierModel;
import io.unlearn.unlearning.internal.model.ModelFormat;
import io.unlearn.unlearning.internal.model.Network;
import io.unlearn.unlearning.internal.model.TorchScriptClassifier;
import io.unlearn.unlearning.internal.train.ClassifierTraining;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.DkvbTraining;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The entry point services use: load data, train or load models, get a method, evaluate.
 *
 * <pre>{@code
 * ImageSet train = Unlearning.fashionMnist(Unlearning.FASHION_MNIST_DIR, true);
 * ImageSet test = Unlearning.fashionMnist(Unlearning.FASHION_MNIST_DIR, false);
 * try (ModelHandle parent = Unlearning.loadModel(in)) {
 *     UnlearningData data = UnlearningData.of(train, test, ForgetRequest.ofSubjects(Set.of("subject-42")));
 *     UnlearningResult result = Unlearning.method(Classifiers.CLASSIFIER, "contrastive").apply(parent, data);
 *     try (ModelHandle child = result.model()) {
 *         Evaluation e = Unlearning.evaluate(child, data, EvaluationSettings.defaults());
 *     }
 * }
 * }</pre>
 */
public final class Unlearning {

    /** Where Debian's {@code dataset-fashion-mnist} installs Fashion-MNIST. */
    public static final Path FASHION_MNIST_DIR = FashionMnist.DEFAULT_DIR;

    private Unlearning() {
    }

    /**
     * Loads Fashion-MNIST from IDX files (gzipped or not).
     *
     * @param dir the directory, usually {@link #FASHION_MNIST_DIR}
     * @param train true for the 60,000 training images, false for the 10,000 test images
     * @return the images; sample ids are file indices
     * @throws io.unlearn.unlearning.errors.DatasetMissingException naming the package when files are absent
     */
    public static ImageSet fashionMnist(Path dir, boolean train) {
        return FashionMnist.load(dir, train);
    }

    /**
     * Resolves a data set by the name a model registration carries.
     *
     * <ul>
     *   <li>{@code fashion-mnist}: the Debian package's files under {@link #FASHION_MNIST_DIR};</li>
     *   <li>{@code synthetic}, optionally with parameters, e.g.
     *       {@code synthetic?samples=600&test=150&classes=4&side=12&noise=0.35&seed=7} (these are the defaults;
     *       {@code test} defaults to samples/4): class prototypes plus noise, train and test sharing the
     *       prototypes, identical for every caller.</li>
     * </ul>
     *
     * <p>Resolved sets are cached (the two most recently used names), so calling this per batch is cheap.
     *
     * @param name the data set name
     * @return the training and test sets
     * @throws UnlearningException for an unknown name or parameter, naming the accepted forms
     * @throws io.unlearn.unlearning.errors.DatasetMissingException naming the package when files are absent
     */
    public static Dataset dataset(String name) {
        return DatasetNames.cached(name);
    }

    /**
     * Names the device new models and methods run on: DJL's default device for the engine, a GPU when one is
     * present and the native library supports it, else the CPU.
     *
     * @return e.g. {@code cpu()} or {@code gpu(0)}
     */
    public static String defaultDevice() {
        return Engine.getInstance().defaultDevice().toString();
    }

    /**
     * Trains a classifier on all of D with the deterministic recipe.
     *
     * @param train D
     * @param recipe the recipe
     * @return the model, which the caller closes
     */
    public static ModelHandle trainClassifier(ImageSet train, TrainingRecipe recipe) {
        int[] all = new int[train.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return ClassifierTraining.train(train, all, recipe, new CostMeter(), "train classifier");
    }

    /**
     * Builds a DKVB classifier on a trained classifier (frozen encoder, k-means keys, trained values).
     *
     * @param classifier a classifier-family model (not modified)
     * @param train D
     * @param recipe the bottleneck recipe
     * @return the model, which the caller closes
     */
    public static ModelHandle trainDkvb(ModelHandle classifier, ImageSet train, DkvbRecipe recipe) {
        if (!(classifier instanceof ClassifierModel c) || classifier.family() != Classifiers.CLASSIFIER) {
            throw new UnlearningException("a DKVB model is built on a classifier model, not on a "
                    + classifier.family().id() + " model");
        }
        int[] all = new int[train.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return DkvbTraining.train(c, train, all, recipe, new CostMeter());
    }

    /**
     * Reads a model written by {@link ModelHandle#save}.
     *
     * @param in the bytes; not closed
     * @return the model, which the caller closes
     * @throws io.unlearn.unlearning.errors.ModelFormatException when the bytes are not a supported model
     */
    public static ModelHandle loadModel(InputStream in) {
        return ModelFormat.read(in);
    }

    /**
     * Loads a classifier defined outside this module from a TorchScript file, with trainable parameters: family
     * {@code torchscript_classifier}, unlearned by {@code fine_tune}, {@code neg_grad_plus} and {@code contrastive},
     * evaluated, copied and saved like any model ({@link #loadModel} reads a saved one back without the file).
     *
     * <p>The module's {@code forward(x)} takes images {@code (N, 1, rows, cols)} (float32, pixels in [0, 1]) and
     * returns the tuple {@code (embedding (N, E), logits (N, numClasses))}, the embedding L2-normalized. The outputs'
     * number, shapes and type are checked on a zero batch before the handle is returned (the normalization is not).
     * See {@code TorchScriptClassifier} for the details.
     *
     * <p><b>A TorchScript file is code:</b> loading it runs the program it holds with this JVM's rights. Load only
     * files from a trusted source; the services load only artifacts registered through the model-registry's
     * authenticated {@code POST /models}.
     *
     * @param file a file written by {@code torch.jit.save} (a scripted or traced module)
     * @param numClasses the number of classes the logits must have
     * @param rows the input height
     * @param cols the input width
     * @return the model, which the caller closes
     * @throws io.unlearn.unlearning.errors.ModelFormatException when the file is not a TorchScript module that
     *     follows the convention, naming what it returned
     */
    public static ModelHandle loadTorchScript(Path file, int numClasses, int rows, int cols) {
        return TorchScriptClassifier.load(file, numClasses, rows, cols);
    }

    /**
     * Returns one of a family's methods with its settings; the family and the settings come from the catalog
     * ({@code FamilySpec.attempt(policy, n)} decides which method an attempt runs).
     *
     * @param family the model's family
     * @param settings complete settings of one of the family's methods
     * @param parentSeed the parent's seed, which exact retraining reuses
     * @return the method
     * @throws UnlearningException when the family or the method is not implemented by this build
     */
    public static UnlearningMethod method(FamilySpec family, Settings settings, long parentSeed) {
        return Implementations.require(family).method(settings, parentSeed);
    }

    /**
     * Returns one of a family's methods with its default settings.
     *
     * @param family the model's family
     * @param methodId the method's id, e.g. {@code contrastive}
     * @return the method
     * @throws UnlearningException when the family has no such method
     */
    public static UnlearningMethod method(FamilySpec family, String methodId) {
        MethodSpec m = family.method(methodId).orElseThrow(() -> new UnlearningException("a " + family.id()
                + " model is unlearned by " + family.methodIds() + ", not " + methodId));
        return method(family, m.defaults(), TrainingRecipe.defaults().seed());
    }

    /**
     * @param recipe the recipe retraining uses (its seed is replaced by the parent's)
     * @return exact retraining on D_r
     */
    public static UnlearningMethod retrain(TrainingRecipe recipe) {
        return new Retrain(recipe);
    }

    /**
     * @param settings the settings
     * @return fine-tuning on D_r
     */
    public static UnlearningMethod fineTune(FineTuneSettings settings) {
        return new FineTune(settings);
    }

    /**
     * @param settings the settings
     * @return NegGrad+
     */
    public static UnlearningMethod negGradPlus(NegGradPlusSettings settings) {
        return new NegGradPlus(settings);
    }

    /**
     * @param settings the settings
     * @return contrastive unlearning
     */
    public static UnlearningMethod contrastive(ContrastiveSettings settings) {
        return new ContrastiveUnlearning(settings);
    }

    /**
     * @param settings the settings
     * @return DKVB key masking
     */
    public static UnlearningMethod dkvb(DkvbSettings settings) {
        return new DkvbUnlearning(settings);
    }

    /**
     * Computes forget / retain / test accuracy, membership inference and (optionally) the linear probe; for a
     * {@code dual_encoder} model, {@link DualEncoders#evaluate} with the same attack sizes and seed.
     *
     * @param model the model
     * @param data the split
     * @param settings what to compute
     * @return the named metrics; add gaps with {@link Evaluation#withGapsTo(Evaluation, FamilySpec)}
     */
    public static Evaluation evaluate(ModelHandle model, UnlearningData data, EvaluationSettings settings) {
        return Implementations.require(model.family()).evaluate(model, data, settings);
    }
}
