#include "media/ice/ice_server.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "media/stun/stun_builder.h"
#include "media/stun/stun_message.h"

namespace tr::media {
namespace {

struct Recorder : IceServer::Listener {
  std::vector<std::vector<uint8_t>> sent;
  std::vector<TransportTuple> added, removed, selected;
  std::vector<std::string> retired;
  int expired = 0;
  void OnIceServerSendStunPacket(IceServer*, const TransportTuple&, const uint8_t* d,
                                 std::size_t n) override {
    sent.emplace_back(d, d + n);
  }
  void OnIceServerTupleAdded(IceServer*, const TransportTuple& t) override { added.push_back(t); }
  void OnIceServerTupleRemoved(IceServer*, const TransportTuple& t) override {
    removed.push_back(t);
  }
  void OnIceServerSelectedTuple(IceServer*, const TransportTuple& t) override {
    selected.push_back(t);
  }
  void OnIceServerOldUfragRetired(IceServer*, std::string_view u) override {
    retired.emplace_back(u);
  }
  void OnIceServerConsentExpired(IceServer*) override { ++expired; }

  // Class and error code of the last response.
  std::pair<StunClass, uint16_t> Last() const {
    const auto m = StunMessage::Parse(sent.back());
    EXPECT_TRUE(m.has_value());
    uint16_t code = 0;
    if (const auto e = m->ErrorCode()) code = e->code;
    return {m->Class(), code};
  }
};

struct RequestSpec {
  std::string username = "srvufrag:cli";
  std::string password = "serverpasswordserverpassword";
  bool priority = true;
  bool integrity = true;
  bool fingerprint = true;
  bool use_candidate = false;
  bool controlled = false;
};

std::vector<uint8_t> Request(const RequestSpec& s) {
  std::vector<uint8_t> buf(512);
  StunTransactionId txid{};
  txid[0] = 7;
  StunBuilder b(buf);
  b.Begin(kStunBindingRequest, txid);
  if (!s.username.empty()) b.AddUsername(s.username);
  if (s.priority) b.AddPriority(12345);
  if (s.controlled) {
    b.AddIceControlled(1);
  } else {
    b.AddIceControlling(1);
  }
  if (s.use_candidate) b.AddUseCandidate();
  if (s.integrity) b.AddMessageIntegrity(s.password);
  if (s.fingerprint) b.AddFingerprint();
  buf.resize(b.Finish());
  return buf;
}

TransportTuple Tuple(uint16_t port) {
  TransportTuple t;
  t.remote = StunAddress::Ipv4({127, 0, 0, 1}, port);
  return t;
}

class IceServerTest : public ::testing::Test {
 protected:
  void Feed(const RequestSpec& spec, const TransportTuple& tuple, int64_t now = 0) {
    const auto bytes = Request(spec);
    const auto m = StunMessage::Parse(bytes);
    ASSERT_TRUE(m.has_value());
    ice.ProcessStunMessage(*m, tuple, now);
  }
  Recorder rec;
  IceServer ice{&rec, "srvufrag", "serverpasswordserverpassword", 1000};
};

TEST_F(IceServerTest, ValidCheckIsAnsweredAndSelectsTuple) {
  Feed({}, Tuple(5000));
  ASSERT_EQ(rec.sent.size(), 1u);
  const auto m = StunMessage::Parse(rec.sent[0]);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->Type(), kStunBindingSuccessResponse);
  EXPECT_TRUE(m->CheckIntegrity(std::string_view("serverpasswordserverpassword")));
  EXPECT_TRUE(m->CheckFingerprint());
  ASSERT_TRUE(m->XorMappedAddress());
  EXPECT_EQ(m->XorMappedAddress()->port, 5000);
  EXPECT_EQ(ice.state(), IceServer::State::kConnected);
  ASSERT_NE(ice.SelectedTuple(), nullptr);
  EXPECT_EQ(*ice.SelectedTuple(), Tuple(5000));
}

TEST_F(IceServerTest, UseCandidateCompletesAndReselects) {
  Feed({}, Tuple(5000));
  RequestSpec nominate;
  nominate.use_candidate = true;
  Feed(nominate, Tuple(5001));
  EXPECT_EQ(ice.state(), IceServer::State::kCompleted);
  EXPECT_EQ(*ice.SelectedTuple(), Tuple(5001));
  EXPECT_EQ(ice.TupleCount(), 2u);
  Feed({}, Tuple(5000));  // un-nominated check keeps the selection
  EXPECT_EQ(*ice.SelectedTuple(), Tuple(5001));
}

TEST_F(IceServerTest, ErrorResponses) {
  RequestSpec no_fp;
  no_fp.fingerprint = false;
  Feed(no_fp, Tuple(1));
  EXPECT_EQ(rec.Last().second, 400);
  RequestSpec no_prio;
  no_prio.priority = false;
  Feed(no_prio, Tuple(1));
  EXPECT_EQ(rec.Last().second, 400);
  RequestSpec no_user;
  no_user.username.clear();
  Feed(no_user, Tuple(1));
  EXPECT_EQ(rec.Last().second, 400);
  RequestSpec bad_pwd;
  bad_pwd.password = "wrongwrongwrongwrongwrong";
  Feed(bad_pwd, Tuple(1));
  EXPECT_EQ(rec.Last().second, 401);
  RequestSpec bad_user;
  bad_user.username = "other:cli";
  Feed(bad_user, Tuple(1));
  EXPECT_EQ(rec.Last().second, 401);
  RequestSpec controlled;
  controlled.controlled = true;
  Feed(controlled, Tuple(1));
  EXPECT_EQ(rec.Last().second, 487);
  EXPECT_EQ(ice.TupleCount(), 0u);
  EXPECT_EQ(ice.state(), IceServer::State::kNew);
}

TEST_F(IceServerTest, ConsentExpiresWithoutChecks) {
  Feed({}, Tuple(5000), 0);
  ice.CheckConsent(500);
  EXPECT_EQ(rec.expired, 0);
  Feed({}, Tuple(5000), 800);
  ice.CheckConsent(1700);
  EXPECT_EQ(rec.expired, 0);
  ice.CheckConsent(1800);
  EXPECT_EQ(rec.expired, 1);
  EXPECT_EQ(ice.TupleCount(), 0u);
  EXPECT_EQ(ice.state(), IceServer::State::kDisconnected);
}

TEST_F(IceServerTest, RestartKeepsOldCredentialsUntilNewOnesAreUsed) {
  Feed({}, Tuple(5000));
  ice.RestartIce("newufrag", "newpasswordnewpasswordnewpassword");
  Feed({}, Tuple(5000));  // old credentials still accepted
  EXPECT_EQ(rec.Last().first, StunClass::kSuccessResponse);
  RequestSpec fresh;
  fresh.username = "newufrag:cli";
  fresh.password = "newpasswordnewpasswordnewpassword";
  Feed(fresh, Tuple(5000));
  EXPECT_EQ(rec.Last().first, StunClass::kSuccessResponse);
  ASSERT_EQ(rec.retired.size(), 1u);
  EXPECT_EQ(rec.retired[0], "srvufrag");
  Feed({}, Tuple(5000));  // old ones now refused
  EXPECT_EQ(rec.Last().second, 401);
}

TEST_F(IceServerTest, KeepsAtMostEightTuples) {
  for (uint16_t p = 1; p <= 10; ++p) {
    Feed({}, Tuple(p), p);
  }
  EXPECT_EQ(ice.TupleCount(), IceServer::kMaxTuples);
  EXPECT_EQ(rec.removed.size(), 2u);
  EXPECT_EQ(*ice.SelectedTuple(), Tuple(1));  // the selected one is never evicted
}

}  // namespace
}  // namespace tr::media
