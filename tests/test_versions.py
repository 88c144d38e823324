import pytest

from gan_lab._versions import check_versions


def test_current_versions_pass():
    check_versions()


@pytest.mark.parametrize(
    ("tensorflow_version", "keras_version", "found"),
    [
        ("2.15.1", "3.3.0", "found TensorFlow 2.15.1"),
        ("2.16.1", "2.15.0", "found Keras 2.15.0"),
        ("2.12.0", "2.12.0", "found TensorFlow 2.12.0 and found Keras 2.12.0"),
    ],
)
def test_old_versions_name_what_was_found(tensorflow_version, keras_version, found):
    with pytest.raises(ImportError) as error:
        check_versions(tensorflow_version, keras_version)
    assert found in str(error.value)
    assert "TensorFlow 2.16 or newer with Keras 3" in str(error.value)
    assert 'pip install --upgrade "tensorflow>=2.16" "keras>=3"' in str(error.value)


def test_release_candidates_parse():
    check_versions("2.21.0rc1", "3.15.1")
