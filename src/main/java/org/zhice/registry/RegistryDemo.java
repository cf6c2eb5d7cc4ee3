package org.zhice.registry;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.shared.Uscc;

/**
 * Demo data for the registry: a few hundred plausible but fictitious Hangzhou enterprises,
 * compute and model-service providers, government offices, their legal representatives and
 * shareholders, and a few related-party cases. Generated from a fixed seed, so every load gives
 * the same codes and names. Loading twice changes nothing.
 */
@Service
public class RegistryDemo {

    static final long SEED = 20250425L;
    static final int ENTERPRISES = 240;
    private static final String USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /**
     * The parties that the demo accounts and stories use: the enterprise and provider that the
     * demo users act for (not related to each other), an enterprise related to the showcase
     * provider through a common shareholder (2 edges: RELATED_PARTY), and the funding office.
     */
    public record DemoParties(String showcaseEnterprise, String showcaseProvider, String relatedEnterprise,
                              String programOffice) {
    }

    private static final String[][] DISTRICTS = {
            // code, name, weight, roads
            {"330106", "西湖区", "30", "文一西路,天目山路,西溪路,转塘街道云栖小镇,紫金港路"},
            {"330108", "滨江区", "30", "网商路,江南大道,长河路,江虹路,物联网街"},
            {"330110", "余杭区", "35", "文一西路,仓前街道良睦路,五常大道,梦想小镇,向往街"},
            {"330102", "上城区", "20", "解放东路,钱江路,望江东路,秋涛路"},
            {"330105", "拱墅区", "15", "莫干山路,湖墅南路,储鑫路,祥园路"},
            {"330109", "萧山区", "20", "市心北路,鸿达路,建设一路,博学路"},
            {"330113", "临平区", "10", "迎宾路,东湖中路,望梅路"},
            {"330114", "钱塘区", "15", "学林街,文泽路,江东大道,青六中路"},
            {"330111", "富阳区", "8", "金桥北路,银湖街道富闲路,江滨西大道"},
            {"330112", "临安区", "6", "科技大道,青山湖街道大园路,锦北街道"},
            {"330122", "桐庐县", "4", "迎春南路,白云源路"},
            {"330127", "淳安县", "2", "千岛湖镇新安东路"},
            {"330182", "建德市", "4", "新安江街道江滨中路,洋溪街道"},
    };
    private static final String[] TRADE_NAMES = {
            "云栖", "智算", "星河", "数澜", "之江", "钱潮", "西溪", "良渚", "湖畔", "天目", "富春", "青芝",
            "灵犀", "启明", "若水", "知行", "澄明", "远帆", "微光", "墨池", "云帆", "瀚海", "睿思", "深蓝",
            "浙星", "城芯", "闻涛", "栖霞", "晨曦", "鸿鹄", "拓维", "联创", "数驰", "芯动", "凌云", "锦程",
            "新禾", "青藤", "九章", "算盘", "桥西", "运河", "宝石", "孤山", "北山", "南屏", "梅家", "龙井",
            "吴越", "雷峰", "三墩", "九溪", "玉泉", "曙光", "弘毅", "恒川", "景行", "明德", "致远", "博观",
            "云谷", "乐橙", "象山", "凤起", "武林", "湖滨", "鲲鹏", "骐骥", "麒麟", "千帆", "万象", "聚力"};
    private static final String[][] TRADES = {
            // suffix, industry
            {"智能科技", "人工智能"}, {"信息技术", "软件和信息技术服务"}, {"数据科技", "大数据"},
            {"网络科技", "互联网服务"}, {"机器人", "智能制造"}, {"智能制造", "智能制造"},
            {"生物科技", "生物医药"}, {"医疗科技", "医疗健康"}, {"电子商务", "电子商务"},
            {"文化传媒", "数字文创"}, {"物流科技", "智慧物流"}, {"汽车科技", "智能网联汽车"},
            {"新材料科技", "新材料"}, {"能源科技", "新能源"}, {"金融信息服务", "金融科技"},
            {"教育科技", "教育"}, {"视觉技术", "人工智能"}, {"语音科技", "人工智能"}};
    private static final String[] SURNAMES = {
            "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
            "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
            "沈", "蒋", "叶", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石"};
    private static final String GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志文斌辉"
            + "鹏宇浩然子涵欣怡思远嘉诚晓东海燕春雨雪梅立新永红佳琪俊杰晨阳婷婷一鸣天佑若曦";
    private static final String[][] PROVIDERS = {
            // name, region, industry
            {"杭州智算中心运营有限公司", "330110", "智能算力服务"},
            {"之江云帆算力科技有限公司", "330106", "智能算力服务"},
            {"浙江星海模型服务有限公司", "330108", "大模型服务"},
            {"杭州钱塘算力网络有限公司", "330114", "智能算力服务"},
            {"杭州灵枢大模型科技有限公司", "330108", "大模型服务"},
            {"浙江数联智算科技股份有限公司", "330102", "智能算力服务"},
            {"杭州湘湖智能计算有限公司", "330109", "智能算力服务"},
            {"杭州临平云计算服务有限公司", "330113", "云计算服务"},
            {"杭州天目山数据科技有限公司", "330112", "数据中心"},
            {"杭州富春江算力科技有限公司", "330111", "智能算力服务"},
            {"杭州湖畔模型科技有限公司", "330105", "大模型服务"},
            {"浙江青山湖智算有限公司", "330112", "智能算力服务"}};
    private static final String[][] OFFICES = {
            {"杭州市经济和信息化局", "330100"}, {"杭州市数据资源管理局", "330100"},
            {"杭州市财政局", "330100"}, {"杭州市科学技术局", "330100"}, {"浙江省经济和信息化厅", "330000"}};

    private final RegistryWrites writes;
    private final Registry registry;
    private final AuditLog audit;

    RegistryDemo(RegistryWrites writes, Registry registry, AuditLog audit) {
        this.writes = writes;
        this.registry = registry;
        this.audit = audit;
    }

    @Transactional
    public DemoParties load() {
        Generated data = generate();
        if (registry.organisation(data.parties.showcaseEnterprise()).isEmpty()) {
            writes.insertOrganisations(data.organisations);
            writes.insertPeople(data.people);
            writes.insertRelations(data.relations);
            audit.record("registry.demo.load", "import", "demo", data.organisations.size() + " organisations, "
                    + data.people.size() + " people, " + data.relations.size() + " relations");
        }
        return data.parties;
    }

    record Generated(List<Organisation> organisations, List<Person> people, List<RelatedPath.Link> relations,
                     DemoParties parties) {
    }

    /** The whole demo data set, the same on every call. */
    static Generated generate() {
        return new Generator(new Random(SEED)).run();
    }

    private static final class Generator {
        private final Random random;
        private final Set<String> usccs = new HashSet<>();
        private final Set<String> names = new HashSet<>();
        private final List<Organisation> organisations = new ArrayList<>();
        private final List<Person> people = new ArrayList<>();
        private final List<RelatedPath.Link> relations = new ArrayList<>();
        private final Map<String, String> districtNames = new LinkedHashMap<>();
        private int personSeq;

        Generator(Random random) {
            this.random = random;
            for (String[] d : DISTRICTS) {
                districtNames.put(d[0], d[1]);
            }
        }

        Generated run() {
            List<String> offices = new ArrayList<>();
            for (String[] office : OFFICES) {
                String uscc = uscc("11", office[1]);
                organisations.add(new Organisation(uscc, office[0], OrganisationKind.GOVERNMENT, office[1], null, null,
                        false, "政府机关", office[1].equals("330000") ? "浙江省杭州市省府路8号" : "杭州市上城区解放东路18号"));
                offices.add(uscc);
            }

            List<String> providers = new ArrayList<>();
            for (String[] p : PROVIDERS) {
                String uscc = organisation(p[0], OrganisationKind.PROVIDER, p[1], p[2], date(2012, 2022), false,
                        (5_000 + random.nextInt(45_000)) * 10_000L * 100);
                providers.add(uscc);
                String rep = person(p[1]);
                link(rep, uscc, "legal_rep");
                link(rep, uscc, "shareholder");
                link(person(p[1]), uscc, "shareholder");
                link(person(p[1]), uscc, "officer");
            }

            String showcase = organisation("杭州云栖智算科技有限公司", OrganisationKind.ENTERPRISE, "330106", "人工智能",
                    LocalDate.of(2021, 6, 18), true, 1_000L * 10_000 * 100);
            ownedByNewPeople(showcase, "330106");

            List<String> enterprises = new ArrayList<>();
            while (enterprises.size() < ENTERPRISES - 1) {
                String[] district = district();
                String[] trade = TRADES[random.nextInt(TRADES.length)];
                String name = "杭州" + TRADE_NAMES[random.nextInt(TRADE_NAMES.length)] + trade[0]
                        + (random.nextInt(12) == 0 ? "股份有限公司" : "有限公司");
                if (names.contains(name)) {
                    continue;
                }
                LocalDate founded = date(2008, 2024);
                boolean startup = founded.getYear() >= 2020 && random.nextInt(10) < 7;
                long capitalFen = (50 + random.nextInt(4_950)) * 10_000L * 100;
                String uscc = organisation(name, OrganisationKind.ENTERPRISE, district[0], trade[1], founded, startup,
                        capitalFen);
                ownedByNewPeople(uscc, district[0]);
                enterprises.add(uscc);
            }
            for (String[] outside : new String[][] {{"宁波甬江智能装备有限公司", "330212"}, {"宁波海曙数智科技有限公司", "330203"}}) {
                String uscc = organisation(outside[0], OrganisationKind.ENTERPRISE, outside[1], "智能制造",
                        date(2010, 2022), false, 2_000L * 10_000 * 100);
                ownedByNewPeople(uscc, outside[1]);
            }

            // Related-party cases, each between a provider and an enterprise.
            // 1. A common shareholder (2 edges): the showcase provider's shareholder also holds shares in an enterprise.
            String showcaseProvider = providers.get(0);
            String commonShareholder = shareholderOf(showcaseProvider);
            String related = enterprises.get(7);
            link(commonShareholder, related, "shareholder");
            // 2. A common legal representative (2 edges).
            String sharedRep = person("330106");
            link(sharedRep, providers.get(1), "officer");
            link(sharedRep, enterprises.get(21), "legal_rep");
            // 3. A subsidiary (1 edge): an enterprise owned by a provider.
            String subsidiary = organisation("浙江星海智能应用有限公司", OrganisationKind.ENTERPRISE, "330108", "人工智能",
                    LocalDate.of(2023, 3, 9), true, 500L * 10_000 * 100);
            ownedByNewPeople(subsidiary, "330108");
            link(subsidiary, providers.get(2), "subsidiary");
            // 4. Three edges, so not related: enterprise —legal_rep— person —shareholder— enterprise —subsidiary— provider.
            String middle = enterprises.get(40);
            link(middle, providers.get(3), "subsidiary");
            String bridge = person("330108");
            link(bridge, enterprises.get(41), "legal_rep");
            link(bridge, middle, "shareholder");

            return new Generated(organisations, people, relations,
                    new DemoParties(showcase, showcaseProvider, related, offices.get(0)));
        }

        private String shareholderOf(String uscc) {
            return relations.stream()
                    .filter(l -> l.partyB().equals(uscc) && l.type().equals("shareholder"))
                    .map(RelatedPath.Link::partyA)
                    .reduce((first, second) -> second)
                    .orElseThrow();
        }

        private void ownedByNewPeople(String uscc, String region) {
            String rep = person(region);
            link(rep, uscc, "legal_rep");
            if (random.nextInt(10) < 6) {
                link(rep, uscc, "shareholder");
            }
            for (int i = random.nextInt(3); i > 0; i--) {
                link(person(region), uscc, "shareholder");
            }
            if (random.nextInt(4) == 0) {
                link(person(region), uscc, "officer");
            }
        }

        private String organisation(String name, OrganisationKind kind, String region, String industry, LocalDate founded,
                                    boolean startup, long capitalFen) {
            String uscc = uscc("91", region);
            names.add(name);
            String district = districtNames.getOrDefault(region, "");
            String city = region.startsWith("3302") ? "浙江省宁波市" : "浙江省杭州市";
            organisations.add(new Organisation(uscc, name, kind, region, founded, capitalFen, startup, industry,
                    city + district + road(region) + (1 + random.nextInt(999)) + "号"));
            return uscc;
        }

        private String road(String region) {
            for (String[] d : DISTRICTS) {
                if (d[0].equals(region)) {
                    String[] roads = d[3].split(",");
                    return roads[random.nextInt(roads.length)];
                }
            }
            return "中山东路";
        }

        private String uscc(String prefix, String region) {
            while (true) {
                StringBuilder body = new StringBuilder(prefix).append(region);
                for (int i = 0; i < 9; i++) {
                    body.append(USCC_CHARS.charAt(random.nextInt(USCC_CHARS.length())));
                }
                String uscc = Uscc.withCheckCharacter(body.toString());
                if (usccs.add(uscc)) {
                    return uscc;
                }
            }
        }

        private String person(String region) {
            String id = "P:d%04d".formatted(++personSeq);
            String name = SURNAMES[random.nextInt(SURNAMES.length)] + GIVEN.charAt(random.nextInt(GIVEN.length()))
                    + (random.nextInt(3) == 0 ? "" : String.valueOf(GIVEN.charAt(random.nextInt(GIVEN.length()))));
            LocalDate born = LocalDate.of(1960, 1, 1).plusDays(random.nextInt(365 * 36));
            String body = region + born.toString().replace("-", "") + "%03d".formatted(random.nextInt(1000));
            String idNumber = body + IdNumber.checkCharacter(body);
            String phone = "1" + "3589".charAt(random.nextInt(4)) + "%09d".formatted(random.nextInt(1_000_000_000));
            people.add(new Person(id, name, idNumber, phone));
            return id;
        }

        private void link(String a, String b, String type) {
            relations.add(new RelatedPath.Link(a, b, type));
        }

        private String[] district() {
            int total = 0;
            for (String[] d : DISTRICTS) {
                total += Integer.parseInt(d[2]);
            }
            int pick = random.nextInt(total);
            for (String[] d : DISTRICTS) {
                pick -= Integer.parseInt(d[2]);
                if (pick < 0) {
                    return d;
                }
            }
            throw new AssertionError("weights add up");
        }

        private LocalDate date(int fromYear, int toYear) {
            LocalDate from = LocalDate.of(fromYear, 1, 1);
            int days = (int) (LocalDate.of(toYear, 12, 31).toEpochDay() - from.toEpochDay());
            return from.plusDays(random.nextInt(days + 1));
        }
    }
}
