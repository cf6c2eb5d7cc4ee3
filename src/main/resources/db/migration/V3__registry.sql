-- registry: administrative regions, parties (organisations and people) and relations between them.

-- GB/T 2260 administrative division codes (six digits). Seeded below; add new ones in later migrations.
create table region (
    code        char(6) primary key check (code ~ '^[0-9]{6}$'),
    name_zh     text not null,
    name_en     text not null,
    parent_code char(6) references region (code)
);

-- Every party that a relation may name: an organisation (its USCC) or a person (P:<id>).
-- Relations reference this table, so that no relation can point at an unknown party.
create table party (
    id   text primary key,
    kind text not null check (kind in ('organisation', 'person')),
    check ((kind = 'organisation' and id ~ '^[0-9A-HJ-NPQRTUWXY]{18}$')
        or (kind = 'person' and id ~ '^P:[A-Za-z0-9._-]{1,64}$'))
);

create table organisation (
    uscc                   text primary key references party (id),
    name                   text not null check (length(name) between 1 and 200),
    kind                   text not null check (kind in ('enterprise', 'provider', 'government')),
    region_code            char(6) not null references region (code),
    founded_on             date,
    registered_capital_fen bigint check (registered_capital_fen >= 0),
    is_startup             boolean not null default false,
    industry               text check (length(industry) <= 100),
    address                text check (length(address) <= 300),
    created_at             timestamptz not null,
    updated_at             timestamptz not null
);
create index organisation_kind_region on organisation (kind, region_code);
create index organisation_region on organisation (region_code);
create index organisation_name on organisation (name);

-- id_number is stored as given for now; it is kept in this one column so that it can be
-- encrypted in place later.
create table person (
    person_id  text primary key references party (id),
    name       text not null check (length(name) between 1 and 100),
    id_number  text,
    phone      text,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

-- "party_a is <type> of party_b", e.g. (P:x, <uscc>, legal_rep); (child, parent, subsidiary).
-- The graph is read undirected for related-party checks.
create table party_relation (
    id         bigint generated always as identity primary key,
    party_a    text not null references party (id),
    party_b    text not null references party (id),
    type       text not null check (length(type) between 1 and 64),
    created_at timestamptz not null,
    constraint party_relation_unique unique (party_a, party_b, type),
    constraint party_relation_not_self check (party_a <> party_b)
);
create index party_relation_b on party_relation (party_b);

insert into region (code, name_zh, name_en, parent_code) values
-- municipalities directly under the central government
('110000', '北京市', 'Beijing', null),
('120000', '天津市', 'Tianjin', null),
('310000', '上海市', 'Shanghai', null),
('500000', '重庆市', 'Chongqing', null),
-- provinces and autonomous regions
('130000', '河北省', 'Hebei', null),
('140000', '山西省', 'Shanxi', null),
('150000', '内蒙古自治区', 'Inner Mongolia', null),
('210000', '辽宁省', 'Liaoning', null),
('220000', '吉林省', 'Jilin', null),
('230000', '黑龙江省', 'Heilongjiang', null),
('320000', '江苏省', 'Jiangsu', null),
('330000', '浙江省', 'Zhejiang', null),
('340000', '安徽省', 'Anhui', null),
('350000', '福建省', 'Fujian', null),
('360000', '江西省', 'Jiangxi', null),
('370000', '山东省', 'Shandong', null),
('410000', '河南省', 'Henan', null),
('420000', '湖北省', 'Hubei', null),
('430000', '湖南省', 'Hunan', null),
('440000', '广东省', 'Guangdong', null),
('450000', '广西壮族自治区', 'Guangxi', null),
('460000', '海南省', 'Hainan', null),
('510000', '四川省', 'Sichuan', null),
('520000', '贵州省', 'Guizhou', null),
('530000', '云南省', 'Yunnan', null),
('540000', '西藏自治区', 'Xizang (Tibet)', null),
('610000', '陕西省', 'Shaanxi', null),
('620000', '甘肃省', 'Gansu', null),
('630000', '青海省', 'Qinghai', null),
('640000', '宁夏回族自治区', 'Ningxia', null),
('650000', '新疆维吾尔自治区', 'Xinjiang', null);

insert into region (code, name_zh, name_en, parent_code) values
-- provincial capitals
('130100', '石家庄市', 'Shijiazhuang', '130000'),
('140100', '太原市', 'Taiyuan', '140000'),
('150100', '呼和浩特市', 'Hohhot', '150000'),
('210100', '沈阳市', 'Shenyang', '210000'),
('220100', '长春市', 'Changchun', '220000'),
('230100', '哈尔滨市', 'Harbin', '230000'),
('320100', '南京市', 'Nanjing', '320000'),
('340100', '合肥市', 'Hefei', '340000'),
('350100', '福州市', 'Fuzhou', '350000'),
('360100', '南昌市', 'Nanchang', '360000'),
('370100', '济南市', 'Jinan', '370000'),
('410100', '郑州市', 'Zhengzhou', '410000'),
('420100', '武汉市', 'Wuhan', '420000'),
('430100', '长沙市', 'Changsha', '430000'),
('440100', '广州市', 'Guangzhou', '440000'),
('450100', '南宁市', 'Nanning', '450000'),
('460100', '海口市', 'Haikou', '460000'),
('510100', '成都市', 'Chengdu', '510000'),
('520100', '贵阳市', 'Guiyang', '520000'),
('530100', '昆明市', 'Kunming', '530000'),
('540100', '拉萨市', 'Lhasa', '540000'),
('610100', '西安市', 'Xi''an', '610000'),
('620100', '兰州市', 'Lanzhou', '620000'),
('630100', '西宁市', 'Xining', '630000'),
('640100', '银川市', 'Yinchuan', '640000'),
('650100', '乌鲁木齐市', 'Urumqi', '650000'),
-- other cities that policies name
('440300', '深圳市', 'Shenzhen', '440000'),
-- Zhejiang's prefecture-level cities
('330100', '杭州市', 'Hangzhou', '330000'),
('330200', '宁波市', 'Ningbo', '330000'),
('330300', '温州市', 'Wenzhou', '330000'),
('330400', '嘉兴市', 'Jiaxing', '330000'),
('330500', '湖州市', 'Huzhou', '330000'),
('330600', '绍兴市', 'Shaoxing', '330000'),
('330700', '金华市', 'Jinhua', '330000'),
('330800', '衢州市', 'Quzhou', '330000'),
('330900', '舟山市', 'Zhoushan', '330000'),
('331000', '台州市', 'Taizhou', '330000'),
('331100', '丽水市', 'Lishui', '330000');

insert into region (code, name_zh, name_en, parent_code) values
-- Ningbo's urban districts (330201 is the old 市辖区 code that older records still carry)
('330201', '宁波市市辖区', 'Ningbo urban districts', '330200'),
('330203', '海曙区', 'Haishu District', '330200'),
('330205', '江北区', 'Jiangbei District', '330200'),
('330206', '北仑区', 'Beilun District', '330200'),
('330211', '镇海区', 'Zhenhai District', '330200'),
('330212', '鄞州区', 'Yinzhou District', '330200'),
('330213', '奉化区', 'Fenghua District', '330200');

insert into region (code, name_zh, name_en, parent_code) values
-- Hangzhou's districts, counties and county-level city (after the 2021 adjustment)
('330102', '上城区', 'Shangcheng District', '330100'),
('330105', '拱墅区', 'Gongshu District', '330100'),
('330106', '西湖区', 'Xihu District', '330100'),
('330108', '滨江区', 'Binjiang District', '330100'),
('330109', '萧山区', 'Xiaoshan District', '330100'),
('330110', '余杭区', 'Yuhang District', '330100'),
('330111', '富阳区', 'Fuyang District', '330100'),
('330112', '临安区', 'Lin''an District', '330100'),
('330113', '临平区', 'Linping District', '330100'),
('330114', '钱塘区', 'Qiantang District', '330100'),
('330122', '桐庐县', 'Tonglu County', '330100'),
('330127', '淳安县', 'Chun''an County', '330100'),
('330182', '建德市', 'Jiande', '330100');
