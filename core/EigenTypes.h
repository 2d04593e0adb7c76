// The one place BertLens includes Eigen and names its matrix types.
//
// Activations are row-major (one token per row), like the tensors they are
// compared with. Weights stay where the checkpoint put them and are viewed
// through maps.
#pragma once

#include <Eigen/Core>

namespace bertlens {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMatrixMap = Eigen::Map<RowMatrix>;
using ConstRowMatrixMap = Eigen::Map<const RowMatrix>;
using ColMatrixMap = Eigen::Map<const Eigen::MatrixXf>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXf>;
using ConstRowVectorMap = Eigen::Map<const Eigen::RowVectorXf>;

}  // namespace bertlens
