#include "signaling/message.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace tr::signaling {
namespace {

ClientMessage ParseOk(std::string_view text) {
  auto parsed = ParseClientMessage(text);
  EXPECT_EQ(parsed.index(), 0u) << text;
  return std::get<0>(parsed);
}

std::pair<ProtocolError, std::string> ParseFail(std::string_view text) {
  auto parsed = ParseClientMessage(text);
  EXPECT_EQ(parsed.index(), 1u) << text;
  return std::get<1>(parsed);
}

TEST(SignalingMessage, ParsesEventDataAndRequestId) {
  auto m = ParseOk(R"({"event":"join-room","data":{"roomId":"room_1"},"requestId":"7"})");
  EXPECT_EQ(m.event, "join-room");
  EXPECT_EQ(m.request_id, "7");
  EXPECT_EQ(m.data["roomId"], "room_1");
  auto empty = ParseOk(R"({"event":"ping","data":{}})");
  EXPECT_TRUE(empty.data.is_object());
  EXPECT_EQ(ParseFail(R"({"event":"ping"})").first.code, "invalid_message");
}

TEST(SignalingMessage, RejectsMalformedFrames) {
  EXPECT_EQ(ParseFail("not json").first.code, "invalid_message");
  EXPECT_EQ(ParseFail("[1,2]").first.code, "invalid_message");
  EXPECT_EQ(ParseFail(R"({"data":{}})").first.code, "invalid_message");
  EXPECT_EQ(ParseFail(R"({"event":5})").first.code, "invalid_message");
  EXPECT_EQ(ParseFail(R"({"event":"x","data":[]})").first.code, "invalid_message");
  EXPECT_EQ(ParseFail(R"({"event":"x","requestId":5})").first.code, "invalid_message");
  // The request id is echoed whenever it could be read.
  auto failure = ParseFail(R"({"event":"x","data":"s","requestId":"r9"})");
  EXPECT_EQ(failure.second, "r9");
  std::string big = R"({"event":"x","data":{"a":")" + std::string(70000, 'a') + R"("}})";
  EXPECT_EQ(ParseFail(big).first.code, "invalid_message");
}

TEST(SignalingMessage, FieldReadersNameTheField) {
  Json data = {{"roomId", 5}, {"direction", "sideways"}, {"spatialLayer", 9}, {"ok", "yes"}};
  try {
    RequireString(data, "roomId");
    FAIL();
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.code, "invalid_parameters");
    EXPECT_NE(e.message.find("roomId"), std::string::npos);
  }
  EXPECT_THROW(RequireEnum(data, "direction", {"send", "recv"}), ProtocolError);
  EXPECT_THROW(OptionalInt(data, "spatialLayer", 0, 3), ProtocolError);
  EXPECT_THROW(OptionalBool(data, "ok"), ProtocolError);
  EXPECT_THROW(RequireObject(data, "rtpCapabilities"), ProtocolError);
  EXPECT_EQ(RequireEnum(data, "role", {"host", "viewer"}, "viewer"), "viewer");
  EXPECT_EQ(OptionalString(data, "missing"), std::nullopt);
}

TEST(SignalingMessage, RendersEventsAndErrors) {
  Json frame = Json::parse(RenderEvent("pong", Json::object(), "3"));
  EXPECT_EQ(frame["event"], "pong");
  EXPECT_EQ(frame["requestId"], "3");
  Json error = Json::parse(RenderError({"rate_limited", "slow", 12}, "4"));
  EXPECT_EQ(error["event"], "error");
  EXPECT_EQ(error["data"]["code"], "rate_limited");
  EXPECT_EQ(error["data"]["retryAfter"], 12);
  EXPECT_EQ(error["data"]["requestId"], "4");
  Json no_id = Json::parse(RenderEvent("room-closed", {{"roomId", "r"}}, ""));
  EXPECT_FALSE(no_id.contains("requestId"));
}

}  // namespace
}  // namespace tr::signaling
