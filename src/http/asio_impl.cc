// Asio's separately compiled implementation: the one translation unit that holds it.
#include <utility>
#include <boost/asio/impl/src.hpp>
